// Hex and square grids on the local plane (grid.hpp).
#include "css/geo/grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

namespace css::geo {
namespace {

const double kSqrt3 = std::sqrt(3.0);

// Cube rounding of fractional axial coordinates (Patel 2013, "Rounding").
Cell hex_round(double q, double r) {
  const double s = -q - r;
  double rq = std::round(q), rr = std::round(r), rs = std::round(s);
  const double dq = std::abs(rq - q), dr = std::abs(rr - r), ds = std::abs(rs - s);
  if (dq > dr && dq > ds) {
    rq = -rr - rs;
  } else if (dr > ds) {
    rr = -rq - rs;
  }
  return {static_cast<std::int32_t>(rq), static_cast<std::int32_t>(rr)};
}

}  // namespace

std::int64_t cell_id(Cell c) {
  return static_cast<std::int64_t>(
      (static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.a)) << 32) |
      static_cast<std::uint32_t>(c.b));
}

Cell cell_from_id(std::int64_t id) {
  const auto u = static_cast<std::uint64_t>(id);
  return {static_cast<std::int32_t>(static_cast<std::uint32_t>(u >> 32)),
          static_cast<std::int32_t>(static_cast<std::uint32_t>(u & 0xffffffffu))};
}

Result<Grid> Grid::make(GridKind kind, double size_m) {
  if (!(size_m > 0.0 && size_m <= 100000.0))
    return make_error(ErrorCode::kInvalidArgument,
                      "grid cell size " + std::to_string(size_m) + " m: expected (0, 100000]");
  return Grid(kind, size_m);
}

double Grid::cell_area_m2() const {
  return kind_ == GridKind::kHex ? 1.5 * kSqrt3 * size_ * size_ : size_ * size_;
}

double Grid::neighbour_distance_m() const {
  return kind_ == GridKind::kHex ? kSqrt3 * size_ : size_;
}

Cell Grid::cell_at(Xy p) const {
  if (kind_ == GridKind::kSquare)
    return {static_cast<std::int32_t>(std::floor(p.x / size_)),
            static_cast<std::int32_t>(std::floor(p.y / size_))};
  return hex_round((kSqrt3 / 3.0 * p.x - p.y / 3.0) / size_, (2.0 / 3.0 * p.y) / size_);
}

Xy Grid::centre(Cell c) const {
  if (kind_ == GridKind::kSquare) return {(c.a + 0.5) * size_, (c.b + 0.5) * size_};
  return {size_ * kSqrt3 * (c.a + c.b / 2.0), size_ * 1.5 * c.b};
}

std::vector<Xy> Grid::corners(Cell c) const {
  if (kind_ == GridKind::kSquare) {
    const double x0 = c.a * size_, y0 = c.b * size_;
    return {{x0, y0}, {x0 + size_, y0}, {x0 + size_, y0 + size_}, {x0, y0 + size_}};
  }
  const Xy m = centre(c);
  std::vector<Xy> out;
  for (int i = 0; i < 6; ++i) {
    const double ang = std::numbers::pi / 180.0 * (60.0 * i - 30.0);  // pointy-top, CCW
    out.push_back({m.x + size_ * std::cos(ang), m.y + size_ * std::sin(ang)});
  }
  return out;
}

int Grid::distance(Cell p, Cell q) const {
  const int da = p.a - q.a, db = p.b - q.b;
  if (kind_ == GridKind::kSquare) return std::max(std::abs(da), std::abs(db));
  return (std::abs(da) + std::abs(db) + std::abs(da + db)) / 2;
}

std::vector<Cell> Grid::ring(Cell c, int k) const {
  std::vector<Cell> out;
  for (int da = -k; da <= k; ++da)
    for (int db = -k; db <= k; ++db) {
      const Cell n{c.a + da, c.b + db};
      if (distance(c, n) <= k) out.push_back(n);
    }
  return out;
}

std::string Grid::cell_text(Cell c) const {
  return std::string(kind_ == GridKind::kHex ? "h:" : "s:") + std::to_string(c.a) + ":" +
         std::to_string(c.b);
}

CellIndex::CellIndex(const Grid& grid, Xy min, Xy max) : grid_(grid) {
  // Axial bounds of the rectangle's corners, widened by one cell: a superset to scan.
  std::int32_t alo = INT32_MAX, ahi = INT32_MIN, blo = INT32_MAX, bhi = INT32_MIN;
  for (Xy p : {min, max, Xy{min.x, max.y}, Xy{max.x, min.y}}) {
    const Cell c = grid.cell_at(p);
    alo = std::min(alo, c.a), ahi = std::max(ahi, c.a);
    blo = std::min(blo, c.b), bhi = std::max(bhi, c.b);
  }
  a0_ = alo - 1, b0_ = blo - 1, na_ = ahi - alo + 3, nb_ = bhi - blo + 3;
  lookup_.assign(static_cast<std::size_t>(na_) * static_cast<std::size_t>(nb_), -1);
  // Row-major by b (south to north) then a: a stable, readable order.
  for (std::int32_t b = b0_; b < b0_ + nb_; ++b)
    for (std::int32_t a = a0_; a < a0_ + na_; ++a) {
      const Xy m = grid.centre({a, b});
      if (m.x < min.x || m.x > max.x || m.y < min.y || m.y > max.y) continue;
      lookup_[static_cast<std::size_t>(a - a0_) * static_cast<std::size_t>(nb_) +
              static_cast<std::size_t>(b - b0_)] = static_cast<std::int32_t>(cells_.size());
      cells_.push_back({a, b});
    }
}

std::int64_t CellIndex::index_of(Cell c) const {
  const std::int64_t da = static_cast<std::int64_t>(c.a) - a0_,
                     db = static_cast<std::int64_t>(c.b) - b0_;
  if (da < 0 || db < 0 || da >= na_ || db >= nb_) return -1;
  return lookup_[static_cast<std::size_t>(da * nb_ + db)];
}

}  // namespace css::geo
