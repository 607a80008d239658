// Small 3-D vector and unit-quaternion toolkit for the simulator. A device
// orientation q maps device-frame vectors to the world frame (ENU: x east,
// y north, z up): v_world = q ⊗ v_device ⊗ q*. Body frame: x forward, y left, z up.
#pragma once

#include <cmath>

namespace css::sim {

struct Vec3 {
  double x = 0.0, y = 0.0, z = 0.0;
};

inline Vec3 operator+(Vec3 a, Vec3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
inline Vec3 operator-(Vec3 a, Vec3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
inline Vec3 operator*(Vec3 a, double k) {
  return {a.x * k, a.y * k, a.z * k};
}
inline Vec3 operator*(double k, Vec3 a) {
  return a * k;
}
inline double dot(Vec3 a, Vec3 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
inline Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(Vec3 a) {
  return std::sqrt(dot(a, a));
}

struct Quat {
  double w = 1.0, x = 0.0, y = 0.0, z = 0.0;
};

inline Quat operator*(const Quat& a, const Quat& b) {
  return {
      a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z, a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
      a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x, a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}
inline Quat conj(const Quat& q) {
  return {q.w, -q.x, -q.y, -q.z};
}
inline Quat normalized(const Quat& q) {
  const double n = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
  return {q.w / n, q.x / n, q.y / n, q.z / n};
}

inline Quat axis_angle(Vec3 unit_axis, double angle_rad) {
  const double s = std::sin(0.5 * angle_rad);
  return {std::cos(0.5 * angle_rad), unit_axis.x * s, unit_axis.y * s, unit_axis.z * s};
}

// Rotation by the rotation vector r (axis * angle); for the small wobble angles of gait and
// sway normalising (1, r/2) is exact to O(|r|³) and needs no trigonometry.
inline Quat small_rotation(Vec3 r) {
  return normalized(Quat{1.0, 0.5 * r.x, 0.5 * r.y, 0.5 * r.z});
}

// v_world = q v q*, via the rotation matrix rows (cheaper than two products).
inline Vec3 rotate(const Quat& q, Vec3 v) {
  const Vec3 u{q.x, q.y, q.z};
  const Vec3 t = 2.0 * cross(u, v);
  return v + q.w * t + cross(u, t);
}
inline Vec3 rotate_inverse(const Quat& q, Vec3 v) {
  return rotate(conj(q), v);
}

// Orientation whose device axes are the given orthonormal columns (in the parent frame).
Quat from_axes(Vec3 x_axis, Vec3 y_axis, Vec3 z_axis);

// Shortest-path spherical interpolation, u in [0, 1].
Quat slerp(Quat a, Quat b, double u);

// Mean angular rate in the frame of `prev` that turns prev into cur over dt (exact log map):
// this is what a gyroscope fixed to the device measures.
Vec3 body_rate(const Quat& prev, const Quat& cur, double dt);

// A uniformly distributed random unit vector / rotation from normals supplied by the caller.
inline Vec3 unit(Vec3 v) {
  return v * (1.0 / norm(v));
}

}  // namespace css::sim
