// SPDX-License-Identifier: MIT
#include "losses_fused_kernel.h"

#include <geoinr/core/nn/losses.h>

#include <cmath>

namespace geoinr::core::fused
{

// Three builds of the same float kernel: AVX-512, AVX2 + FMA, and the x86-64 baseline.
namespace avx512
{
double negativeRowFloat(const float* z, float* grad, std::int64_t n, float scale, bool maxEntropy);
}
namespace avx2
{
double negativeRowFloat(const float* z, float* grad, std::int64_t n, float scale, bool maxEntropy);
}
namespace generic
{
double negativeRowFloat(const float* z, float* grad, std::int64_t n, float scale, bool maxEntropy);
}

namespace
{

bool cpuHasAvx2()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
#else
    return false;
#endif
}

bool cpuHasAvx512()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool has =
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && cpuHasAvx2();
    return has;
#else
    return false;
#endif
}

} // namespace

double negativeRow(const float* z, float* grad, std::int64_t n, float scale, bool maxEntropy)
{
#if defined(__x86_64__)
    if (cpuHasAvx512())
    {
        return avx512::negativeRowFloat(z, grad, n, scale, maxEntropy);
    }
    if (cpuHasAvx2())
    {
        return avx2::negativeRowFloat(z, grad, n, scale, maxEntropy);
    }
#endif
    return generic::negativeRowFloat(z, grad, n, scale, maxEntropy);
}

double negativeRow(const double* z, double* grad, std::int64_t n, double scale, bool maxEntropy)
{
    const double eps = kLossEps;
    double sum = 0.0;
    for (std::int64_t j = 0; j < n; ++j)
    {
        const double p = 1.0 / (1.0 + std::exp(-z[j]));
        const double q = 1.0 - p;
        const double lq = std::log(q + eps);
        if (!maxEntropy)
        {
            sum += -lq;
            grad[j] = scale * p * q / (q + eps);
        }
        else
        {
            const double lp = std::log(p + eps);
            sum += q * lq + p * lp;
            grad[j] = scale * p * q * (-lq - q / (q + eps) + lp + p / (p + eps));
        }
    }
    return sum;
}

} // namespace geoinr::core::fused
