// SPDX-License-Identifier: MIT
// SINR presence-only losses (science.md §4.2-§4.4).
#include "losses_fused.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/losses.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

namespace geoinr::core
{
namespace
{

/** -log(p + eps): SINR's neg_log (eps inside the log, not a clamp). */
torch::Tensor negLog(const torch::Tensor& p)
{
    return -torch::log(p + kLossEps);
}

/** Negative term for probability p of a presumed absence: AN -log(1 - p + eps); ME -H(1 - p). */
torch::Tensor negativeTerm(const torch::Tensor& p, bool maxEntropy)
{
    if (!maxEntropy)
    {
        return negLog(1.0 - p);
    }
    const auto q = 1.0 - p;
    const auto entropy = q * negLog(q) + (1.0 - q) * negLog(1.0 - q);
    return -entropy;
}

void require(const torch::Tensor& t, const char* what, const std::string& loss)
{
    if (!t.defined())
    {
        throw InvalidArgument(fmt::format("loss {}: missing input '{}'", loss, what));
    }
}

/** Full losses: mean over B x S of the observed matrix (lambda at z_i) + mean of the random one. */
torch::Tensor fullLoss(const LossInputs& in, double lambda, bool maxEntropy,
                       const std::string& name)
{
    require(in.classIds, "classIds", name);
    const auto b = in.classIds.size(0);
    const bool stacked = in.logitsStacked.defined();
    const auto obs = stacked ? in.logitsStacked.narrow(0, 0, b) : in.logitsAtObserved;
    const auto rnd = stacked ? in.logitsStacked.narrow(0, b, b) : in.logitsAtRandom;
    require(obs, "logitsAtObserved", name);
    require(rnd, "logitsAtRandom", name);
    const auto p = torch::sigmoid(obs);
    const auto q = torch::sigmoid(rnd);
    const auto positive = torch::zeros_like(p, torch::kBool)
                              .scatter_(1, in.classIds.unsqueeze(1).to(torch::kLong), true);
    const auto observed = torch::where(positive, lambda * negLog(p), negativeTerm(p, maxEntropy));
    return observed.mean() + negativeTerm(q, maxEntropy).mean();
}

/** lambda of a full loss: gp uses the number of species S. */
double fullLossLambda(const std::string& name, const LossInputs& in, double positiveWeight)
{
    if (name != "gp")
    {
        return positiveWeight;
    }
    const auto& logits = in.logitsStacked.defined() ? in.logitsStacked : in.logitsAtObserved;
    return logits.defined() ? static_cast<double>(logits.size(1)) : 0.0;
}

} // namespace

const std::vector<std::string>& presenceOnlyLossNames()
{
    static const std::vector<std::string> names = {"an_full", "an_ssdl", "an_slds", "me_full",
                                                   "me_ssdl", "me_slds", "gp"};
    return names;
}

LossNeeds lossNeeds(const std::string& name)
{
    const auto& names = presenceOnlyLossNames();
    if (std::find(names.begin(), names.end(), name) == names.end())
    {
        throw InvalidArgument(
            fmt::format("loss: unknown loss '{}' (known: {})", name, fmt::join(names, ", ")));
    }
    LossNeeds n;
    if (name == "an_full" || name == "me_full" || name == "gp")
    {
        n.allSpeciesAtObserved = true;
        n.allSpeciesAtRandom = true;
    }
    else if (name == "an_ssdl" || name == "me_ssdl")
    {
        n.observedSpeciesAtRandom = true;
    }
    else
    {
        n.otherSpeciesAtObserved = true;
    }
    return n;
}

torch::Tensor presenceOnlyLoss(const std::string& name, const LossInputs& in, double positiveWeight)
{
    const auto needs = lossNeeds(name);
    if (needs.allSpeciesAtObserved && in.classIds.defined())
    {
        const double lambda = fullLossLambda(name, in, positiveWeight);
        const bool me = name.rfind("me_", 0) == 0;
        if (in.logitsStacked.defined() && in.logitsStacked.is_cpu())
        {
            return fusedFullLoss(in.logitsStacked, in.classIds, lambda, me);
        }
        if (in.logitsAtObserved.defined() && in.logitsAtRandom.defined() &&
            in.logitsAtObserved.is_cpu())
        {
            return fusedFullLoss(torch::cat({in.logitsAtObserved, in.logitsAtRandom}, 0),
                                 in.classIds, lambda, me);
        }
    }
    return presenceOnlyLossReference(name, in, positiveWeight);
}

torch::Tensor presenceOnlyLossReference(const std::string& name, const LossInputs& in,
                                        double positiveWeight)
{
    const auto needs = lossNeeds(name);
    const bool me = name.rfind("me_", 0) == 0;
    if (needs.allSpeciesAtObserved)
    {
        return fullLoss(in, fullLossLambda(name, in, positiveWeight), me, name);
    }
    require(in.positiveLogits, "positiveLogits", name);
    const auto positive = negLog(torch::sigmoid(in.positiveLogits)).mean();
    if (needs.observedSpeciesAtRandom)
    {
        require(in.observedAtRandomLogits, "observedAtRandomLogits", name);
        return positive + negativeTerm(torch::sigmoid(in.observedAtRandomLogits), me).mean();
    }
    require(in.otherAtObservedLogits, "otherAtObservedLogits", name);
    return positive + negativeTerm(torch::sigmoid(in.otherAtObservedLogits), me).mean();
}

torch::Tensor drawOtherSpecies(const torch::Tensor& classIds, std::int64_t numClasses,
                               torch::Generator& generator)
{
    if (numClasses < 2)
    {
        throw InvalidArgument("loss slds: needs at least 2 species to draw another species");
    }
    const auto u = torch::randint(numClasses - 1, classIds.sizes(), generator,
                                  torch::TensorOptions().dtype(torch::kLong))
                       .to(classIds.device());
    return u + (u >= classIds).to(torch::kLong);
}

} // namespace geoinr::core
