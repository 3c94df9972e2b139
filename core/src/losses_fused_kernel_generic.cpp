// SPDX-License-Identifier: MIT
// The fused-loss float kernel built for the x86-64 baseline (or any other architecture).
#define GEOINR_KERNEL_NS generic
#include "losses_fused_kernel_impl.inc"
