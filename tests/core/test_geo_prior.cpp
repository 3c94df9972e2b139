// SPDX-License-Identifier: MIT
// SINR's Geo Prior combination (science.md §5.5) on hand-computed examples: the prior flips
// predictions both ways, top-k rows are densified, classes without a model species get g = 1.
#include <geoinr/core/error.h>
#include <geoinr/core/geo_prior.h>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace
{

using geoinr::core::densifyTopK;
using geoinr::core::GeoPriorEvaluator;
using geoinr::core::geoProbabilities;
using geoinr::core::rankOf;
using geoinr::core::VisionBlock;

// Logits whose sigmoids are round: sigmoid(±ln 3) = 0.75 / 0.25, sigmoid(±ln 9) = 0.9 / 0.1.
const float kL3 = static_cast<float>(std::log(3.0));
const float kL9 = static_cast<float>(std::log(9.0));

/**
 * Four observations, three classes, all mapped (class c = logit column c). By hand:
 *  obs 0: p (0.5, 0.4, 0.1), g (0.25, 0.75, 0.5) -> p·g (0.125, 0.3, 0.05): label 1, vision says
 *         0 (wrong), combined 1 (right).
 *  obs 1: p (0.6, 0.3, 0.1), g (0.1, 0.9, 0.5) -> (0.06, 0.27, 0.05): label 0, vision right,
 *         combined 1 (wrong).
 *  obs 2: p (0.2, 0.2, 0.6), g (0.5, 0.5, 0.5) -> (0.1, 0.1, 0.3): label 2, both right.
 *  obs 3: p (0.1, 0.7, 0.2), g (0.9, 0.1, 0.25) -> (0.09, 0.07, 0.05): label 0, vision 1 (wrong),
 *         combined 0 (right).
 * Vision top-1 2/4, combined 3/4, delta +25 points; 2 improved, 1 worsened.
 * Ranks of the label: vision 2, 1, 1, 3 (MRR (1/2 + 1 + 1 + 1/3) / 4 = 17/24); combined
 * 1, 2, 1, 1 (MRR 3.5 / 4 = 0.875).
 */
struct HandExample
{
    std::vector<double> probs = {0.5, 0.4, 0.1, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6, 0.1, 0.7, 0.2};
    std::vector<float> logits = {-kL3, kL3,  0.0F, -kL9, kL9,  0.0F,
                                 0.0F, 0.0F, 0.0F, kL9,  -kL9, -kL3};
    std::vector<std::int64_t> labels = {1, 0, 2, 0};
};

TEST(GeoPrior, PriorFlipsPredictionsBothWays)
{
    const HandExample x;
    GeoPriorEvaluator evaluator({0, 1, 2});
    std::vector<std::int64_t> vision(4), combined(4);
    evaluator.addBlock(VisionBlock{4, 3, x.probs.data(), nullptr}, x.logits.data(), 3,
                       x.labels.data(), 0, vision.data(), combined.data());
    EXPECT_EQ(vision, (std::vector<std::int64_t>{0, 0, 2, 1}));
    EXPECT_EQ(combined, (std::vector<std::int64_t>{1, 1, 2, 0}));
    const auto& c = evaluator.counts();
    EXPECT_EQ(c.observations, 4);
    EXPECT_EQ(c.visionTop1, 2);
    EXPECT_EQ(c.combinedTop1, 3);
    EXPECT_EQ(c.improved, 2);
    EXPECT_EQ(c.worsened, 1);
    EXPECT_EQ(c.visionTies, 0);
    const auto s = evaluator.summary();
    EXPECT_DOUBLE_EQ(s.visionTop1, 0.5);
    EXPECT_DOUBLE_EQ(s.combinedTop1, 0.75);
    EXPECT_DOUBLE_EQ(s.deltaTop1Points, 25.0);
    EXPECT_DOUBLE_EQ(s.visionTop5, 1.0); // three classes: every label is in the top 5
    EXPECT_DOUBLE_EQ(s.visionMrr, 17.0 / 24.0);
    EXPECT_DOUBLE_EQ(s.combinedMrr, 0.875);
}

TEST(GeoPrior, BlocksAccumulateLikeOnePass)
{
    const HandExample x;
    GeoPriorEvaluator evaluator({0, 1, 2});
    for (std::int64_t r = 0; r < 4; ++r)
    {
        evaluator.addBlock(VisionBlock{1, 3, x.probs.data() + 3 * r, nullptr},
                           x.logits.data() + 3 * r, 3, x.labels.data() + r, r);
    }
    EXPECT_EQ(evaluator.counts().combinedTop1, 3);
    EXPECT_DOUBLE_EQ(evaluator.summary().deltaTop1Points, 25.0);
}

TEST(GeoPrior, TopKInputGivesTheSameResultAsDense)
{
    // The same observations as top-3 rows with their columns shuffled: densified, they are the
    // dense rows again.
    const HandExample x;
    const std::vector<double> probs = {0.1, 0.5, 0.4, 0.3, 0.1, 0.6, 0.6, 0.2, 0.2, 0.2, 0.7, 0.1};
    const std::vector<std::int64_t> ids = {2, 0, 1, 1, 2, 0, 2, 0, 1, 2, 1, 0};
    GeoPriorEvaluator evaluator({0, 1, 2});
    std::vector<std::int64_t> vision(4), combined(4);
    evaluator.addBlock(VisionBlock{4, 3, probs.data(), ids.data()}, x.logits.data(), 3,
                       x.labels.data(), 0, vision.data(), combined.data());
    EXPECT_EQ(vision, (std::vector<std::int64_t>{0, 0, 2, 1}));
    EXPECT_EQ(combined, (std::vector<std::int64_t>{1, 1, 2, 0}));
    EXPECT_DOUBLE_EQ(evaluator.summary().deltaTop1Points, 25.0);
}

TEST(GeoPrior, DensifyTopK)
{
    const std::vector<double> probs = {0.1, 0.7, 0.2, 0.05};
    const std::vector<std::int64_t> ids = {3, 0, 4, 1};
    const auto dense = densifyTopK(probs.data(), ids.data(), 2, 2, 5);
    EXPECT_EQ(dense, (std::vector<double>{0.7, 0.0, 0.0, 0.1, 0.0, /**/ 0.0, 0.05, 0.0, 0.0, 0.2}));
    const std::vector<std::int64_t> outside = {3, 5};
    EXPECT_THROW(densifyTopK(probs.data(), outside.data(), 1, 2, 5), geoinr::InvalidArgument);
    const std::vector<std::int64_t> twice = {3, 3};
    EXPECT_THROW(densifyTopK(probs.data(), twice.data(), 1, 2, 5), geoinr::InvalidArgument);
    const std::vector<double> zeroThenTwice = {0.0, 0.3};
    EXPECT_THROW(densifyTopK(zeroThenTwice.data(), twice.data(), 1, 2, 5), geoinr::InvalidArgument);
    const std::vector<double> negative = {-0.1, 0.3};
    EXPECT_THROW(densifyTopK(negative.data(), ids.data(), 1, 2, 5), geoinr::InvalidArgument);
}

TEST(GeoPrior, UnmappedClassesGetGeoProbabilityOne)
{
    // Class 0 -> column 1, class 1 -> none, class 2 -> column 0.
    const std::vector<float> logits = {kL3, -kL3};
    const auto g = geoProbabilities(logits.data(), 1, 2, {1, -1, 0});
    ASSERT_EQ(g.size(), 3u);
    EXPECT_NEAR(g[0], 0.25, 1e-7);
    EXPECT_EQ(g[1], 1.0);
    EXPECT_NEAR(g[2], 0.75, 1e-7);

    // p (0.5, 0.3, 0.2), label 2 unmapped: g (0.1, 0.1, 1) -> p·g (0.05, 0.03, 0.2): the prior
    // pushes the mapped classes down and the unmapped one wins.
    const std::vector<double> probs = {0.5, 0.3, 0.2};
    const std::vector<float> rowLogits = {-kL9, -kL9};
    const std::vector<std::int64_t> label = {2};
    GeoPriorEvaluator evaluator({0, 1, -1});
    std::int64_t vision = -1, combined = -1;
    evaluator.addBlock(VisionBlock{1, 3, probs.data(), nullptr}, rowLogits.data(), 2, label.data(),
                       0, &vision, &combined);
    EXPECT_EQ(vision, 0);
    EXPECT_EQ(combined, 2);
    EXPECT_EQ(evaluator.counts().improved, 1);
}

TEST(GeoPrior, TieRules)
{
    // Top-k row (0.4 at class 0, 0.4 at class 2): SINR's inds[:, -1] takes the later column
    // (class 2); the combined argmax takes the lower class index (class 0), as np.argmax.
    const std::vector<double> probs = {0.4, 0.4};
    const std::vector<std::int64_t> ids = {0, 2};
    const std::vector<float> logits = {0.0F};
    const std::vector<std::int64_t> label = {2};
    GeoPriorEvaluator evaluator({-1, -1, 0});
    std::int64_t vision = -1, combined = -1;
    evaluator.addBlock(VisionBlock{1, 2, probs.data(), ids.data()}, logits.data(), 1, label.data(),
                       0, &vision, &combined);
    EXPECT_EQ(vision, 2);
    EXPECT_EQ(combined, 0); // g = (1, 1, 0.5): 0.4 at class 0 beats 0.2 at class 2
    EXPECT_EQ(evaluator.counts().visionTies, 1);

    const std::vector<double> scores = {0.3, 0.5, 0.3, 0.3};
    EXPECT_EQ(rankOf(scores.data(), 4, 1), 1);
    EXPECT_EQ(rankOf(scores.data(), 4, 0), 2);
    EXPECT_EQ(rankOf(scores.data(), 4, 2), 3);
    EXPECT_EQ(rankOf(scores.data(), 4, 3), 4);
}

TEST(GeoPrior, BadInputsNameTheObservation)
{
    const HandExample x;
    GeoPriorEvaluator evaluator({0, 1, 2});
    const std::vector<std::int64_t> badLabel = {3};
    try
    {
        evaluator.addBlock(VisionBlock{1, 3, x.probs.data(), nullptr}, x.logits.data(), 3,
                           badLabel.data(), 41);
        FAIL() << "label 3 of 3 classes accepted";
    }
    catch (const geoinr::InvalidArgument& e)
    {
        EXPECT_NE(std::string(e.what()).find("observation 41"), std::string::npos) << e.what();
    }
    EXPECT_THROW(evaluator.addBlock(VisionBlock{1, 2, x.probs.data(), nullptr}, x.logits.data(), 3,
                                    x.labels.data()),
                 geoinr::InvalidArgument); // dense width 2 for 3 classes
    EXPECT_THROW(GeoPriorEvaluator(std::vector<std::int64_t>{}), geoinr::InvalidArgument);
    EXPECT_TRUE(std::isnan(GeoPriorEvaluator({0}).summary().visionTop1));
}

} // namespace
