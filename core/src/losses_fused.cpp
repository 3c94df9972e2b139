// SPDX-License-Identifier: MIT
#include "losses_fused.h"

#include "losses_fused_kernel.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/losses.h>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

namespace geoinr::core
{
namespace
{

/** Positive term lambda * -log(p + eps) of one logit and its derivative. */
template <typename T> void positiveTerm(T z, T lambda, double& value, T& grad)
{
    const double p = 1.0 / (1.0 + std::exp(-static_cast<double>(z)));
    value = -static_cast<double>(lambda) * std::log(p + kLossEps);
    grad = static_cast<T>(-static_cast<double>(lambda) * p * (1.0 - p) / (p + kLossEps));
}

/** Value of the negative term for one logit (double precision; used to swap in the positive). */
double negativeValue(double z, bool maxEntropy)
{
    const double p = 1.0 / (1.0 + std::exp(-z));
    const double q = 1.0 - p;
    return maxEntropy ? q * std::log(q + kLossEps) + p * std::log(p + kLossEps)
                      : -std::log(q + kLossEps);
}

/**
 * Runs body(begin, end) over [0, rows) on every core. The loss pass runs while BLAS is idle, so it
 * uses all cores even when LibTorch's intra-op pool is set to one thread (the fastest setting for
 * the rest of a training step on small machines, where OpenBLAS has its own pool).
 */
template <typename Body> void parallelRows(std::int64_t rows, const Body& body)
{
    const auto cores = static_cast<std::int64_t>(std::max(1U, std::thread::hardware_concurrency()));
    const auto workers = std::min<std::int64_t>(cores, std::max<std::int64_t>(1, rows / 64));
    if (workers <= 1)
    {
        body(0, rows);
        return;
    }
    std::vector<std::thread> threads;
    const auto chunk = (rows + workers - 1) / workers;
    for (std::int64_t w = 1; w < workers; ++w)
    {
        const auto begin = w * chunk;
        const auto end = std::min(rows, begin + chunk);
        if (begin < end)
        {
            threads.emplace_back([&body, begin, end] { body(begin, end); });
        }
    }
    body(0, std::min(rows, chunk));
    for (auto& t : threads)
    {
        t.join();
    }
}

template <typename T>
double evaluate(const torch::Tensor& logits, const torch::Tensor& ids, torch::Tensor& grad,
                double lambda, bool maxEntropy)
{
    const auto b = ids.size(0);
    const auto s = logits.size(1);
    const T scale = static_cast<T>(1.0 / (static_cast<double>(b) * static_cast<double>(s)));
    const T* z = logits.data_ptr<T>();
    const std::int64_t* cls = ids.data_ptr<std::int64_t>();
    T* g = grad.data_ptr<T>();
    double total = 0.0;
    std::mutex totalMutex;
    // Rows 0..B-1 are observed locations, B..2B-1 random ones; all rows get the negative terms,
    // then each observed row swaps its species' negative term for the positive one.
    parallelRows(2 * b,
                 [&](std::int64_t begin, std::int64_t end)
                 {
                     double partial = 0.0;
                     for (std::int64_t i = begin; i < end; ++i)
                     {
                         const auto row = i * s;
                         partial += fused::negativeRow(z + row, g + row, s, scale, maxEntropy);
                         if (i < b)
                         {
                             const auto j = row + cls[i];
                             double pos = 0.0;
                             T posGrad{};
                             positiveTerm<T>(z[j], static_cast<T>(lambda), pos, posGrad);
                             partial += pos - negativeValue(static_cast<double>(z[j]), maxEntropy);
                             g[j] = posGrad * scale;
                         }
                     }
                     const std::lock_guard<std::mutex> lock(totalMutex);
                     total += partial;
                 });
    return total * static_cast<double>(scale);
}

class FusedFullLoss : public torch::autograd::Function<FusedFullLoss>
{
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits,
                                 const torch::Tensor& ids, double lambda, bool maxEntropy)
    {
        const auto l = logits.contiguous();
        const auto z = ids.to(torch::kLong).contiguous();
        auto grad = torch::empty_like(l);
        const double value = l.scalar_type() == torch::kFloat64
                                 ? evaluate<double>(l, z, grad, lambda, maxEntropy)
                                 : evaluate<float>(l, z, grad, lambda, maxEntropy);
        ctx->save_for_backward({grad});
        return torch::tensor(value, l.options());
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto grad = ctx->get_saved_variables()[0];
        const auto& g = gradOutputs[0];
        // loss.backward() passes 1: hand back the stored gradient without another pass.
        const bool unit = g.numel() == 1 && g.item<double>() == 1.0;
        return {unit ? grad : grad * g, torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor fusedFullLoss(const torch::Tensor& logitsStacked, const torch::Tensor& classIds,
                            double lambda, bool maxEntropy)
{
    if (logitsStacked.dim() != 2 || classIds.dim() != 1 ||
        logitsStacked.size(0) != 2 * classIds.size(0))
    {
        throw InvalidArgument("full loss: expected [2B, S] logits (observed rows, then random "
                              "rows) and B class ids");
    }
    if (logitsStacked.scalar_type() != torch::kFloat32 &&
        logitsStacked.scalar_type() != torch::kFloat64)
    {
        throw InvalidArgument("full loss: expected float32 or float64 logits");
    }
    const auto s = logitsStacked.size(1);
    if ((classIds < 0).logical_or(classIds >= s).any().item<bool>())
    {
        throw InvalidArgument("full loss: class id outside [0, S)");
    }
    return FusedFullLoss::apply(logitsStacked, classIds, lambda, maxEntropy);
}

} // namespace geoinr::core
