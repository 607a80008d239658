# Finds what bench/compare/xnnpack_compare needs (Debian: libxnnpack-dev, libpthreadpool-dev,
# which xnnpack.h includes, and libcpuinfo-dev, whose ISA flags it caps; bootstrap's bench
# group) and sets CSS_XNNPACK_FOUND. Included by bench/compare, which builds the tool, and by
# tests/unit/onnx, which registers xnnpack_agreement only then (tests/ is configured first).
find_library(CSS_XNNPACK_LIBRARY XNNPACK)
find_library(CSS_CPUINFO_LIBRARY cpuinfo)
find_path(CSS_XNNPACK_INCLUDE_DIR xnnpack.h)
find_path(CSS_PTHREADPOOL_INCLUDE_DIR pthreadpool.h)
find_path(CSS_CPUINFO_INCLUDE_DIR cpuinfo.h)
if(CSS_XNNPACK_LIBRARY AND CSS_CPUINFO_LIBRARY AND CSS_XNNPACK_INCLUDE_DIR
   AND CSS_PTHREADPOOL_INCLUDE_DIR AND CSS_CPUINFO_INCLUDE_DIR)
  set(CSS_XNNPACK_FOUND ON)
else()
  set(CSS_XNNPACK_FOUND OFF)
endif()
