# Sourced by the project's scripts: the build settings every command uses.
# GOEXPERIMENT=simd lets GoMLX's pure-Go backend use AVX2/AVX-512 matrix
# kernels on amd64 (about 3x faster training); elsewhere it is harmless.
export GOEXPERIMENT=simd
