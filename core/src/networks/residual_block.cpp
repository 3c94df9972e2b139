// SPDX-License-Identifier: MIT
#include "residual_block.h"

#include "fast_dropout.h"
#include "fast_linear.h"

#include <ATen/Parallel.h>

#include <vector>

namespace geoinr::core::networks
{
namespace
{

// The element loops are plain functions over pointers, kept out of line from at::parallel_for's
// OpenMP region. Their selects compute both operands for every element; with -fno-trapping-math
// (core/CMakeLists.txt) GCC turns them into vector blends instead of mispredicted branches.

/** Rows per parallel chunk: about 32k elements, LibTorch's own grain for element-wise ops. */
std::int64_t rowGrain(std::int64_t width)
{
    return std::max<std::int64_t>(1, 32768 / std::max<std::int64_t>(1, width));
}

/** y = ReLU(y + b) over rows [first, last) of width `width`. NaN passes, as in torch::relu. */
[[gnu::noinline]] void biasReluRows(float* y, const float* b, std::int64_t first, std::int64_t last,
                                    std::int64_t width)
{
    for (std::int64_t i = first; i < last; ++i)
    {
        float* row = y + i * width;
        for (std::int64_t j = 0; j < width; ++j)
        {
            const float v = row[j] + b[j];
            row[j] = v < 0.0F ? 0.0F : v;
        }
    }
}

/** factor[j] = scale or 0 for elements first..first+n-1 of fastDropout's mask. */
[[gnu::noinline]] void dropoutFactors(float* factor, std::int64_t first, std::int64_t n,
                                      const DropoutMask& mask)
{
    const auto scale = static_cast<float>(mask.scale);
    if (first % 4 == 0 && n % 4 == 0) // whole quads: one hash, four elements
    {
        for (std::int64_t q = 0; q < n / 4; ++q)
        {
            const auto bits = dropoutQuadBits(mask.seed, first / 4 + q);
            for (int k = 0; k < 4; ++k)
            {
                const auto u = static_cast<std::uint32_t>((bits >> (16 * k)) & 0xFFFFU);
                factor[4 * q + k] = u >= mask.dropBelow ? scale : 0.0F;
            }
        }
        return;
    }
    std::uint64_t bits = 0;
    for (std::int64_t j = 0; j < n; ++j)
    {
        const auto e = first + j;
        if (j == 0 || (e & 3) == 0) // 4 elements per 64-bit hash
        {
            bits = dropoutQuadBits(mask.seed, e >> 2);
        }
        const auto u = static_cast<std::uint32_t>((bits >> (16 * (e & 3))) & 0xFFFFU);
        factor[j] = u >= mask.dropBelow ? scale : 0.0F;
    }
}

[[gnu::noinline]] void multiplyRow(float* row, const float* factor, std::int64_t n)
{
    for (std::int64_t j = 0; j < n; ++j)
    {
        row[j] *= factor[j];
    }
}

/** d = Dropout(ReLU(y + b)) in place: y holds W1 x. */
void biasReluDropout(float* y, const float* b, std::int64_t rows, std::int64_t width,
                     const DropoutMask& mask)
{
    at::parallel_for(0, rows, rowGrain(width),
                     [=](std::int64_t begin, std::int64_t end)
                     {
                         biasReluRows(y, b, begin, end, width);
                         if (mask.dropBelow == 0)
                         {
                             return;
                         }
                         std::vector<float> factor(static_cast<std::size_t>(width));
                         for (std::int64_t i = begin; i < end; ++i)
                         {
                             dropoutFactors(factor.data(), i * width, width, mask);
                             multiplyRow(y + i * width, factor.data(), width);
                         }
                     });
}

/** h = ReLU(y + b) in place, out = x + h, over rows [first, last). */
[[gnu::noinline]] void biasReluResidualRows(float* y, const float* b, const float* x, float* out,
                                            std::int64_t first, std::int64_t last,
                                            std::int64_t width)
{
    for (std::int64_t i = first; i < last; ++i)
    {
        float* yRow = y + i * width;
        const float* xRow = x + i * width;
        float* outRow = out + i * width;
        for (std::int64_t j = 0; j < width; ++j)
        {
            const float v = yRow[j] + b[j];
            const float h = v < 0.0F ? 0.0F : v;
            yRow[j] = h;
            outRow[j] = xRow[j] + h;
        }
    }
}

/** h = ReLU(y + b) in place (y holds W2 d), out = x + h. */
void biasReluResidual(float* y, const float* b, const float* x, float* out, std::int64_t rows,
                      std::int64_t width)
{
    at::parallel_for(0, rows, rowGrain(width),
                     [=](std::int64_t begin, std::int64_t end)
                     { biasReluResidualRows(y, b, x, out, begin, end, width); });
}

/** out[k] = activated[k] > 0 ? g[k] * scale : 0 for k in [first, last); out may be g. */
[[gnu::noinline]] void maskedGradientRange(const float* g, const float* activated, float scale,
                                           float* out, std::int64_t first, std::int64_t last)
{
    for (std::int64_t k = first; k < last; ++k)
    {
        const float scaled = g[k] * scale;
        out[k] = activated[k] > 0.0F ? scaled : 0.0F;
    }
}

/** ReLU and dropout backward in one pass. */
void maskedGradient(const float* g, const float* activated, float scale, float* out, std::int64_t n,
                    std::int64_t grain)
{
    at::parallel_for(0, n, grain,
                     [=](std::int64_t begin, std::int64_t end)
                     { maskedGradientRange(g, activated, scale, out, begin, end); });
}

class FusedResidualBlockFunction : public torch::autograd::Function<FusedResidualBlockFunction>
{
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                                 const torch::Tensor& w1, const torch::Tensor& b1,
                                 const torch::Tensor& w2, const torch::Tensor& b2, double p)
    {
        const auto x = input.contiguous();
        const auto rows = x.size(0);
        const auto width = x.size(1);
        const auto mask = p > 0.0 ? drawDropoutMask(p) : DropoutMask{};
        auto d = torch::empty({rows, width}, x.options());
        trainingSgemm('N', 'T', rows, width, width, x.data_ptr<float>(), width,
                      w1.contiguous().data_ptr<float>(), width, 0.0F, d.data_ptr<float>(), width);
        biasReluDropout(d.data_ptr<float>(), b1.contiguous().data_ptr<float>(), rows, width, mask);
        auto h = torch::empty({rows, width}, x.options());
        trainingSgemm('N', 'T', rows, width, width, d.data_ptr<float>(), width,
                      w2.contiguous().data_ptr<float>(), width, 0.0F, h.data_ptr<float>(), width);
        auto out = torch::empty({rows, width}, x.options());
        biasReluResidual(h.data_ptr<float>(), b2.contiguous().data_ptr<float>(),
                         x.data_ptr<float>(), out.data_ptr<float>(), rows, width);
        ctx->save_for_backward({x, d, h, w1.contiguous(), w2.contiguous()});
        ctx->saved_data["scale"] = mask.scale;
        return out;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &x = saved[0], &d = saved[1], &h = saved[2], &w1 = saved[3], &w2 = saved[4];
        const auto scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
        const auto g = gradOutputs[0].contiguous();
        const auto rows = x.size(0);
        const auto width = x.size(1);
        const auto n = rows * width;
        const auto grain = rowGrain(width) * width;
        // Second linear: gradient at its pre-activation, then its parameters and input.
        auto gh = torch::empty({rows, width}, x.options());
        maskedGradient(g.data_ptr<float>(), h.data_ptr<float>(), 1.0F, gh.data_ptr<float>(), n,
                       grain);
        torch::Tensor dw1, db1, dw2, db2, dx;
        if (ctx->needs_input_grad(3))
        {
            dw2 = torch::empty({width, width}, x.options());
            trainingSgemm('T', 'N', width, width, rows, gh.data_ptr<float>(), width,
                          d.data_ptr<float>(), width, 0.0F, dw2.data_ptr<float>(), width);
        }
        if (ctx->needs_input_grad(4))
        {
            db2 = gh.sum(0);
        }
        auto gd = torch::empty({rows, width}, x.options());
        trainingSgemm('N', 'N', rows, width, width, gh.data_ptr<float>(), width,
                      w2.data_ptr<float>(), width, 0.0F, gd.data_ptr<float>(), width);
        // First linear: through dropout and ReLU (d > 0 exactly where both let it pass).
        maskedGradient(gd.data_ptr<float>(), d.data_ptr<float>(), scale, gd.data_ptr<float>(), n,
                       grain);
        if (ctx->needs_input_grad(1))
        {
            dw1 = torch::empty({width, width}, x.options());
            trainingSgemm('T', 'N', width, width, rows, gd.data_ptr<float>(), width,
                          x.data_ptr<float>(), width, 0.0F, dw1.data_ptr<float>(), width);
        }
        if (ctx->needs_input_grad(2))
        {
            db1 = gd.sum(0);
        }
        if (ctx->needs_input_grad(0))
        {
            dx = g.clone(); // the residual path, plus the block's: dx = g + gd W1
            trainingSgemm('N', 'N', rows, width, width, gd.data_ptr<float>(), width,
                          w1.data_ptr<float>(), width, 1.0F, dx.data_ptr<float>(), width);
        }
        return {dx, dw1, db1, dw2, db2, torch::Tensor()};
    }
};

} // namespace

bool fusedResidualBlockApplies(const torch::Tensor& x, const torch::nn::LinearImpl& w1,
                               const torch::nn::LinearImpl& w2)
{
    return trainingGemmApplies(x, w1) && trainingGemmApplies(x, w2) && w1.bias.defined() &&
           w2.bias.defined() && x.size(1) == w1.weight.size(1) &&
           w1.weight.size(0) == w1.weight.size(1) && w2.weight.sizes() == w1.weight.sizes();
}

torch::Tensor fusedResidualBlock(const torch::Tensor& x, torch::nn::LinearImpl& w1,
                                 torch::nn::LinearImpl& w2, double p)
{
    return FusedResidualBlockFunction::apply(x, w1.weight, w1.bias, w2.weight, w2.bias, p);
}

} // namespace geoinr::core::networks
