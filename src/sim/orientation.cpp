#include "orientation.hpp"

namespace css::sim {

Quat from_axes(Vec3 xa, Vec3 ya, Vec3 za) {
  // Shepperd's method on the matrix with columns xa, ya, za.
  const double m00 = xa.x, m11 = ya.y, m22 = za.z;
  const double tr = m00 + m11 + m22;
  Quat q;
  if (tr > 0) {
    const double s = std::sqrt(tr + 1.0) * 2;
    q = {0.25 * s, (ya.z - za.y) / s, (za.x - xa.z) / s, (xa.y - ya.x) / s};
  } else if (m00 > m11 && m00 > m22) {
    const double s = std::sqrt(1.0 + m00 - m11 - m22) * 2;
    q = {(ya.z - za.y) / s, 0.25 * s, (ya.x + xa.y) / s, (za.x + xa.z) / s};
  } else if (m11 > m22) {
    const double s = std::sqrt(1.0 + m11 - m00 - m22) * 2;
    q = {(za.x - xa.z) / s, (ya.x + xa.y) / s, 0.25 * s, (za.y + ya.z) / s};
  } else {
    const double s = std::sqrt(1.0 + m22 - m00 - m11) * 2;
    q = {(xa.y - ya.x) / s, (za.x + xa.z) / s, (za.y + ya.z) / s, 0.25 * s};
  }
  return normalized(q);
}

Quat slerp(Quat a, Quat b, double u) {
  double d = a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z;
  if (d < 0) {
    b = {-b.w, -b.x, -b.y, -b.z};
    d = -d;
  }
  if (d > 0.9995) {
    return normalized({a.w + u * (b.w - a.w), a.x + u * (b.x - a.x), a.y + u * (b.y - a.y),
                       a.z + u * (b.z - a.z)});
  }
  const double th = std::acos(d);
  const double sa = std::sin((1 - u) * th) / std::sin(th);
  const double sb = std::sin(u * th) / std::sin(th);
  return {sa * a.w + sb * b.w, sa * a.x + sb * b.x, sa * a.y + sb * b.y, sa * a.z + sb * b.z};
}

Vec3 body_rate(const Quat& prev, const Quat& cur, double dt) {
  Quat d = conj(prev) * cur;
  if (d.w < 0) d = {-d.w, -d.x, -d.y, -d.z};
  const Vec3 v{d.x, d.y, d.z};
  const double s = norm(v);
  // angle = 2 atan2(s, w); for small s/w a 5th-order series avoids the atan call.
  double k;
  const double u = s / d.w;
  if (d.w > 1e-9 && u < 0.05) {
    k = 2.0 / d.w * (1.0 - u * u / 3.0 + u * u * u * u / 5.0);
  } else {
    k = s > 0 ? 2.0 * std::atan2(s, d.w) / s : 2.0;
  }
  return v * (k / dt);
}

}  // namespace css::sim
