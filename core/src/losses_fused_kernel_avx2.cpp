// SPDX-License-Identifier: MIT
// The fused-loss float kernel built with AVX2 + FMA (chosen at run time when the CPU has them).
#define GEOINR_KERNEL_NS avx2
#include "losses_fused_kernel_impl.inc"
