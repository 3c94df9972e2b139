// SPDX-License-Identifier: MIT
// The fused-loss float kernel built with AVX-512 (chosen at run time when the CPU has it).
#define GEOINR_KERNEL_NS avx512
#include "losses_fused_kernel_impl.inc"
