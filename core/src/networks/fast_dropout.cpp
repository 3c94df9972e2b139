// SPDX-License-Identifier: MIT
#include "fast_dropout.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::networks
{
namespace
{

/** mask[i] = scale where element i is kept, else 0; 4 elements per 64-bit hash. */
template <typename T>
void fillMask(T* mask, std::int64_t n, std::uint64_t seed, std::uint32_t dropBelow, T scale)
{
    at::parallel_for(0, (n + 3) / 4, 4096,
                     [&](std::int64_t begin, std::int64_t end)
                     {
                         for (std::int64_t q = begin; q < end; ++q)
                         {
                             const auto bits = dropoutQuadBits(seed, q);
                             T quad[4];
                             for (int k = 0; k < 4; ++k)
                             {
                                 const auto u =
                                     static_cast<std::uint32_t>((bits >> (16 * k)) & 0xFFFFU);
                                 quad[k] = u >= dropBelow ? scale : T(0);
                             }
                             const auto first = q * 4;
                             const auto count = std::min<std::int64_t>(4, n - first);
                             std::copy(quad, quad + count, mask + first);
                         }
                     });
}

/** The 0 / (1/(1-p)) mask of dropout for a tensor like `x`. */
torch::Tensor makeMask(const torch::Tensor& x, double p, std::uint64_t seed)
{
    auto mask = torch::empty(x.sizes(), x.options().requires_grad(false));
    const auto dropBelow = static_cast<std::uint32_t>(std::llround(p * 65536.0));
    const double scale = 1.0 / (1.0 - p);
    if (x.scalar_type() == torch::kFloat64)
    {
        fillMask<double>(mask.data_ptr<double>(), mask.numel(), seed, dropBelow, scale);
    }
    else
    {
        fillMask<float>(mask.data_ptr<float>(), mask.numel(), seed, dropBelow,
                        static_cast<float>(scale));
    }
    return mask;
}

class FastDropoutFunction : public torch::autograd::Function<FastDropoutFunction>
{
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 double p, std::int64_t seed)
    {
        const auto mask = makeMask(x, p, static_cast<std::uint64_t>(seed));
        ctx->save_for_backward({mask});
        return x * mask;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto mask = ctx->get_saved_variables()[0];
        return {gradOutputs[0] * mask, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor fastDropout(const torch::Tensor& x, double p, bool training)
{
    if (!training || p <= 0.0)
    {
        return x;
    }
    if (!x.is_cpu() || (x.scalar_type() != torch::kFloat32 && x.scalar_type() != torch::kFloat64) ||
        p >= 1.0)
    {
        return torch::dropout(x, p, training);
    }
    return FastDropoutFunction::apply(x, p, static_cast<std::int64_t>(drawDropoutMask(p).seed));
}

DropoutMask drawDropoutMask(double p)
{
    DropoutMask m;
    // One draw from the default generator: reproducible under torch::manual_seed.
    m.seed = static_cast<std::uint64_t>(
        torch::randint(std::numeric_limits<std::int64_t>::max(), {1}, torch::kLong)
            .item<std::int64_t>());
    m.dropBelow = static_cast<std::uint32_t>(std::llround(p * 65536.0));
    m.scale = 1.0 / (1.0 - p);
    return m;
}

} // namespace geoinr::core::networks
