// Grid: hexagons (default) or square "fishnet" cells of a given size on the city's local
// equal-area plane (projection.hpp), as ArcGIS's hot-spot tools offer both.
//  - Hexagons are pointy-top with edge length `size_m`, addressed by axial coordinates
//    (q, r) (A. Patel, "Hexagonal Grids", Red Blob Games, 2013: conversions, rounding, and
//    distance in cube coordinates). Cell area = 3√3/2 · size².
//  - Squares have side `size_m`, addressed by (column, row) = floor(x/size, y/size).
// A cell id is the pair packed in 64 bits; its text form is "h:q:r" or "s:i:j".
// ring(c, k) is the k-ring: every cell within k steps (hex distance, or Chebyshev distance
// for squares — queen contiguity), c included. corners() are counter-clockwise (x east,
// y north), so polygons exported through the projection wind right-handed (RFC 7946).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/projection.hpp"

namespace css::geo {

enum class GridKind : std::uint8_t { kHex, kSquare };

struct Cell {
  std::int32_t a = 0;  // hex: q; square: column
  std::int32_t b = 0;  // hex: r; square: row
  friend bool operator==(const Cell&, const Cell&) = default;
};

std::int64_t cell_id(Cell c);
Cell cell_from_id(std::int64_t id);

class Grid {
 public:
  // size_m: hex edge or square side, in (0, 100 km].
  static Result<Grid> make(GridKind kind, double size_m);

  GridKind kind() const { return kind_; }
  double size_m() const { return size_; }
  double cell_area_m2() const;
  // Centre-to-centre distance of two adjacent cells (√3·edge for hexes, side for squares).
  double neighbour_distance_m() const;

  Cell cell_at(Xy p) const;
  Xy centre(Cell c) const;
  // 6 (hex) or 4 (square) corners, counter-clockwise, not closed.
  std::vector<Xy> corners(Cell c) const;
  int distance(Cell a, Cell b) const;  // grid steps
  std::vector<Cell> ring(Cell c, int k) const;
  std::string cell_text(Cell c) const;  // "h:q:r" / "s:i:j"

 private:
  Grid(GridKind kind, double size) : kind_(kind), size_(size) {}
  GridKind kind_;
  double size_;
};

// The cells of a study area: every cell whose centre lies inside an axis-aligned rectangle of
// the plane, in a dense order (index 0 … n-1), with O(1) lookup from a cell to its index.
class CellIndex {
 public:
  CellIndex(const Grid& grid, Xy min, Xy max);
  std::size_t size() const { return cells_.size(); }
  const std::vector<Cell>& cells() const { return cells_; }
  // Index of the cell, or -1 outside the study area.
  std::int64_t index_of(Cell c) const;
  std::int64_t index_at(Xy p) const { return index_of(grid_.cell_at(p)); }
  const Grid& grid() const { return grid_; }

 private:
  Grid grid_;
  std::vector<Cell> cells_;
  std::int32_t a0_ = 0, b0_ = 0, na_ = 0, nb_ = 0;
  std::vector<std::int32_t> lookup_;  // (a - a0) * nb + (b - b0) → index or -1
};

}  // namespace css::geo
