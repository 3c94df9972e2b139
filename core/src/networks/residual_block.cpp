// SPDX-License-Identifier: MIT
#include "residual_block.h"

#include "fast_dropout.h"
#include "fast_linear.h"
#include "training_kernels.h"

namespace geoinr::core::networks
{
namespace
{

class FusedResidualBlockFunction : public torch::autograd::Function<FusedResidualBlockFunction>
{
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                                 const torch::Tensor& w1, const torch::Tensor& b1,
                                 const torch::Tensor& w2, const torch::Tensor& b2, double p)
    {
        const auto x = input.contiguous();
        const auto weight1 = w1.contiguous();
        const auto weight2 = w2.contiguous();
        const auto rows = x.size(0);
        const auto width = x.size(1);
        const auto mask = p > 0.0 ? drawDropoutMask(p) : DropoutMask{};
        auto d = linearOutput(x, weight1);
        biasReluDropout(d.data_ptr<float>(), b1.contiguous().data_ptr<float>(), rows, width, mask);
        auto h = linearOutput(d, weight2);
        auto out = torch::empty({rows, width}, x.options());
        biasReluResidual(h.data_ptr<float>(), b2.contiguous().data_ptr<float>(),
                         x.data_ptr<float>(), out.data_ptr<float>(), rows, width);
        ctx->save_for_backward({x, d, h, weight1, weight2});
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
        const auto n = g.numel();
        const auto grain = rowGrain(x.size(1)) * x.size(1);
        // Second linear: gradient at its pre-activation, then its parameters and input.
        auto gh = torch::empty_like(g);
        maskedGradient(g.data_ptr<float>(), h.data_ptr<float>(), 1.0F, gh.data_ptr<float>(), n,
                       grain);
        torch::Tensor dw1, db1, dw2, db2, dx;
        if (ctx->needs_input_grad(3))
        {
            dw2 = linearWeightGrad(gh, d);
        }
        if (ctx->needs_input_grad(4))
        {
            db2 = gh.sum(0);
        }
        auto gd = linearInputGrad(gh, w2);
        // First linear: through dropout and ReLU (d > 0 exactly where both let it pass).
        maskedGradient(gd.data_ptr<float>(), d.data_ptr<float>(), scale, gd.data_ptr<float>(), n,
                       grain);
        if (ctx->needs_input_grad(1))
        {
            dw1 = linearWeightGrad(gd, x);
        }
        if (ctx->needs_input_grad(2))
        {
            db1 = gd.sum(0);
        }
        if (ctx->needs_input_grad(0))
        {
            dx = linearInputGrad(gd, w1, g); // the residual path g, plus the block's gd W1
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
