#pragma once
// The dihedral group of a square board, as used by every square game.

namespace descent::game {

inline constexpr int kDihedralSymmetries = 8;

// Symmetry `sym` (0..7) maps the point (x, y) of an n x n board: first the
// transpose (bit 2), then the x flip (bit 0), then the y flip (bit 1).
// Symmetry 0 is the identity.
void TransformPoint(int sym, int n, int* x, int* y);

// The symmetry that undoes `sym`: with a transpose the two flips swap roles.
int InverseDihedral(int sym);

}  // namespace descent::game
