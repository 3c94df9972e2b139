// SPDX-License-Identifier: MIT
#include "fast_dropout.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>

namespace geoinr::core::networks
{
namespace
{

/** The 0 / (1/(1-p)) mask of dropout for a tensor like `x`. */
template <typename T> torch::Tensor makeMask(const torch::Tensor& x, const DropoutMask& m)
{
    auto mask = torch::empty(x.sizes(), x.options().requires_grad(false));
    T* out = mask.data_ptr<T>();
    const auto n = mask.numel();
    // Chunks start on quad boundaries, so each hash serves its four elements.
    at::parallel_for(0, (n + 3) / 4, 4096,
                     [&](std::int64_t begin, std::int64_t end)
                     {
                         const auto first = 4 * begin;
                         dropoutFactors(out + first, first, std::min(n, 4 * end) - first, m);
                     });
    return mask;
}

class FastDropoutFunction : public torch::autograd::Function<FastDropoutFunction>
{
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 double p, std::int64_t seed)
    {
        const auto m = dropoutMask(p, static_cast<std::uint64_t>(seed));
        const auto mask =
            x.scalar_type() == torch::kFloat64 ? makeMask<double>(x, m) : makeMask<float>(x, m);
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

DropoutMask dropoutMask(double p, std::uint64_t seed)
{
    DropoutMask m;
    m.seed = seed;
    m.dropBelow = static_cast<std::uint32_t>(std::llround(p * 65536.0));
    m.scale = 1.0 / (1.0 - p);
    return m;
}

DropoutMask drawDropoutMask(double p)
{
    // One draw from the default generator: reproducible under torch::manual_seed.
    return dropoutMask(
        p, static_cast<std::uint64_t>(
               torch::randint(std::numeric_limits<std::int64_t>::max(), {1}, torch::kLong)
                   .item<std::int64_t>()));
}

} // namespace geoinr::core::networks
