#include "game/symmetry.h"

#include <utility>

namespace descent::game {

void TransformPoint(int sym, int n, int* x, int* y) {
  if (sym & 4) std::swap(*x, *y);
  if (sym & 1) *x = n - 1 - *x;
  if (sym & 2) *y = n - 1 - *y;
}

int InverseDihedral(int sym) {
  if (!(sym & 4)) return sym;  // flips are their own inverses
  return 4 | ((sym & 1) << 1) | ((sym & 2) >> 1);
}

}  // namespace descent::game
