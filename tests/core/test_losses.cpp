// SPDX-License-Identifier: MIT
// SINR presence-only losses against the golden values and a scalar hand computation.
#include "test_data.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/losses.h>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

namespace
{

using geoinr::core::LossInputs;
using geoinr::core::presenceOnlyLoss;

torch::Tensor matrix(const nlohmann::json& rows)
{
    std::vector<double> flat;
    for (const auto& r : rows)
    {
        for (const auto& v : r)
        {
            flat.push_back(v.get<double>());
        }
    }
    return torch::tensor(flat, torch::kFloat64)
        .reshape({static_cast<long>(rows.size()), static_cast<long>(rows[0].size())});
}

torch::Tensor ids(const nlohmann::json& v)
{
    return torch::tensor(v.get<std::vector<std::int64_t>>(), torch::kLong);
}

/** Everything any loss needs, from losses.json. */
LossInputs goldenInputs(const nlohmann::json& g)
{
    LossInputs in;
    in.classIds = ids(g.at("class_id"));
    in.logitsAtObserved = matrix(g.at("logits_at_observed_locations"));
    in.logitsAtRandom = matrix(g.at("logits_at_random_locations"));
    const auto rows = torch::arange(in.classIds.size(0));
    const auto other = ids(g.at("slds_background_class"));
    in.positiveLogits = in.logitsAtObserved.index({rows, in.classIds});
    in.observedAtRandomLogits = in.logitsAtRandom.index({rows, in.classIds});
    in.otherAtObservedLogits = in.logitsAtObserved.index({rows, other});
    return in;
}

TEST(Losses, MatchGoldenValues)
{
    GEOINR_REQUIRE_DATA_FILE(path, "golden/losses.json");
    const auto g = geoinr::test::loadJson(path);
    const auto in = goldenInputs(g);
    const auto& v = g.at("values");
    const double tol = 1e-5;
    EXPECT_NEAR(presenceOnlyLoss("an_full", in, 2048).item<double>(),
                v.at("an_full_lambda2048").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("an_full", in, 1).item<double>(),
                v.at("an_full_lambda1").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("gp", in).item<double>(),
                v.at("gp_no_user_lambda_eq_S").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("an_ssdl", in).item<double>(), v.at("an_ssdl").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("an_slds", in).item<double>(), v.at("an_slds").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("me_full", in, 2048).item<double>(),
                v.at("me_full_lambda2048").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("me_ssdl", in).item<double>(), v.at("me_ssdl").get<double>(), tol);
    EXPECT_NEAR(presenceOnlyLoss("me_slds", in).item<double>(), v.at("me_slds").get<double>(), tol);
}

double sigmoid(double z)
{
    return 1.0 / (1.0 + std::exp(-z));
}
double nl(double p)
{
    return -std::log(p + 1e-5);
}

TEST(Losses, AnFullEqualsScalarHandComputation)
{
    // B = 2, S = 3: loss = (1/BS) sum_i [lambda nl(p_iz) + sum_{j != z} nl(1 - p_ij)]
    //                    + (1/BS) sum_ij nl(1 - q_ij)
    const double obs[2][3] = {{1.0, -2.0, 0.5}, {0.0, 3.0, -1.0}};
    const double rnd[2][3] = {{-0.5, 0.25, 2.0}, {1.5, -1.5, 0.0}};
    const std::int64_t z[2] = {2, 0};
    const double lambda = 7.0;
    double expected = 0.0;
    for (int i = 0; i < 2; ++i)
    {
        for (int j = 0; j < 3; ++j)
        {
            const double p = sigmoid(obs[i][j]);
            expected += (j == z[i] ? lambda * nl(p) : nl(1.0 - p)) / 6.0;
            expected += nl(1.0 - sigmoid(rnd[i][j])) / 6.0;
        }
    }
    LossInputs in;
    in.classIds = torch::tensor({z[0], z[1]}, torch::kLong);
    in.logitsAtObserved =
        torch::from_blob(const_cast<double*>(&obs[0][0]), {2, 3}, torch::kFloat64);
    in.logitsAtRandom = torch::from_blob(const_cast<double*>(&rnd[0][0]), {2, 3}, torch::kFloat64);
    EXPECT_NEAR(presenceOnlyLoss("an_full", in, lambda).item<double>(), expected, 1e-12);
}

TEST(Losses, GradientFlowsToLogits)
{
    LossInputs in;
    in.classIds = torch::tensor({0, 1}, torch::kLong);
    in.logitsAtObserved = torch::zeros({2, 3}, torch::kFloat64).requires_grad_();
    in.logitsAtRandom = torch::zeros({2, 3}, torch::kFloat64).requires_grad_();
    presenceOnlyLoss("an_full", in, 2048).backward();
    // At logit 0: d/dz [lambda * -log(sigmoid(z) + eps)] / (B S) = -lambda (1 - p) p/(p + eps) / 6.
    const double p = 0.5;
    const double expectedPos = -2048.0 * p * (1.0 - p) / (p + 1e-5) / 6.0;
    EXPECT_NEAR(in.logitsAtObserved.grad()[0][0].item<double>(), expectedPos, 1e-9);
    EXPECT_GT(in.logitsAtObserved.grad()[0][1].item<double>(), 0.0); // pushes absences down
}

TEST(Losses, UnknownNameAndMissingInputsAreClearErrors)
{
    LossInputs in;
    try
    {
        presenceOnlyLoss("an_fool", in);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("unknown loss 'an_fool'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("an_slds"), std::string::npos);
    }
    try
    {
        presenceOnlyLoss("an_ssdl", in);
        FAIL() << "expected InvalidArgument";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("positiveLogits"), std::string::npos);
    }
}

TEST(Losses, OtherSpeciesIsUniformAndNeverTheObservedOne)
{
    auto gen = at::detail::createCPUGenerator(3);
    const auto z = torch::full({30000}, 2, torch::kLong);
    const auto other = geoinr::core::drawOtherSpecies(z, 4, gen);
    EXPECT_EQ(other.eq(2).sum().item<long>(), 0);
    for (long s : {0L, 1L, 3L})
    {
        const double share = other.eq(s).to(torch::kDouble).mean().item<double>();
        EXPECT_NEAR(share, 1.0 / 3.0, 0.015) << "species " << s;
    }
}

} // namespace

namespace
{

/** The fused CPU path of the full losses equals the reference in value and gradient. */
TEST(Losses, FusedFullLossesMatchTheReference)
{
    torch::manual_seed(4);
    for (const auto* name : {"an_full", "me_full", "gp"})
    {
        for (auto dtype : {torch::kFloat64, torch::kFloat32})
        {
            const auto obs0 = (torch::randn({37, 11}) * 4).to(dtype);
            const auto rnd0 = (torch::randn({37, 11}) * 4).to(dtype);
            const auto ids = torch::randint(11, {37}, torch::kLong);
            // The float32 fused path is compared with the float64 reference: float32 autograd
            // loses 1 - sigmoid(z) to cancellation for large z, the fused kernel does not.
            auto run = [&](bool fused)
            {
                LossInputs in;
                in.classIds = ids;
                const auto type = fused ? dtype : torch::kFloat64;
                in.logitsAtObserved = obs0.to(type).clone().requires_grad_();
                in.logitsAtRandom = rnd0.to(type).clone().requires_grad_();
                auto loss = fused ? presenceOnlyLoss(name, in, 50.0)
                                  : geoinr::core::presenceOnlyLossReference(name, in, 50.0);
                (loss * 3.0).backward();
                return std::make_tuple(loss.item<double>(),
                                       in.logitsAtObserved.grad().to(torch::kFloat64),
                                       in.logitsAtRandom.grad().to(torch::kFloat64));
            };
            const auto [v1, go1, gr1] = run(true);
            const auto [v2, go2, gr2] = run(false);
            const double tol = dtype == torch::kFloat64 ? 1e-12 : 2e-6;
            EXPECT_NEAR(v1, v2, tol * std::max(1.0, std::abs(v2))) << name;
            EXPECT_LT((go1 - go2).abs().max().item<double>(), tol) << name;
            EXPECT_LT((gr1 - gr2).abs().max().item<double>(), tol) << name;
        }
    }
}

} // namespace
