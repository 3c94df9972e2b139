// SPDX-License-Identifier: MIT
// Spherical harmonics encoder: orthonormality, independent long-double evaluation, identities.
#include <geoinr/core/nn/encoder.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <utility>
#include <vector>

namespace
{

using nlohmann::json;

constexpr double kPi = 3.14159265358979323846;

geoinr::core::EncoderPtr makeSh(int L, json extra = json::object())
{
    extra["name"] = "spherical_harmonics";
    extra["L"] = L;
    return geoinr::core::makeEncoder(extra);
}

/** [N, 2] float64 tensor from (lon, lat) pairs. */
torch::Tensor lonLat(const std::vector<std::pair<double, double>>& pts)
{
    std::vector<double> flat;
    for (const auto& [lon, lat] : pts)
    {
        flat.push_back(lon);
        flat.push_back(lat);
    }
    return torch::tensor(flat, torch::kFloat64).reshape({static_cast<std::int64_t>(pts.size()), 2});
}

/** Gauss-Legendre nodes and weights on [-1, 1] by Newton iteration on P_n. */
void gaussLegendre(int n, std::vector<double>& nodes, std::vector<double>& weights)
{
    nodes.assign(static_cast<std::size_t>(n), 0.0);
    weights.assign(static_cast<std::size_t>(n), 0.0);
    for (int i = 0; i < n; ++i)
    {
        double x = std::cos(kPi * (i + 0.75) / (n + 0.5));
        double dp = 1.0;
        for (int iter = 0; iter < 100; ++iter)
        {
            double p0 = 1.0;
            double p1 = x;
            for (int k = 2; k <= n; ++k)
            {
                const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            // p1 = P_n(x), p0 = P_{n-1}(x); P_n'(x) = n (x P_n - P_{n-1}) / (x^2 - 1).
            dp = n * (x * p1 - p0) / (x * x - 1.0);
            const double step = p1 / dp;
            x -= step;
            if (std::abs(step) < 1e-16)
            {
                break;
            }
        }
        nodes[static_cast<std::size_t>(i)] = x;
        weights[static_cast<std::size_t>(i)] = 2.0 / ((1.0 - x * x) * dp * dp);
    }
}

/**
 * Independent real SH in long double: unnormalised P_l^m (no Condon-Shortley phase) by the
 * three-term recurrence in l, normalised with lgammal. Returns the L^2 values at index
 * l^2 + l + m for theta = rad(lat + 90), phi = rad(lon + 180).
 */
std::vector<long double> referenceSh(int L, double lonDeg, double latDeg)
{
    const long double pi = 3.141592653589793238462643383279502884L;
    const long double theta = (static_cast<long double>(latDeg) + 90.0L) * pi / 180.0L;
    const long double phi = (static_cast<long double>(lonDeg) + 180.0L) * pi / 180.0L;
    const long double x = cosl(theta);
    const long double s = sinl(theta); // >= 0 for theta in [0, pi]
    std::vector<long double> out(static_cast<std::size_t>(L) * static_cast<std::size_t>(L), 0.0L);
    long double pmm = 1.0L; // P_m^m = (2m-1)!! s^m
    for (int m = 0; m < L; ++m)
    {
        if (m > 0)
        {
            pmm *= (2.0L * m - 1.0L) * s;
        }
        long double prev2 = 0.0L;
        long double prev = pmm;
        for (int l = m; l < L; ++l)
        {
            long double p = 0.0L;
            if (l == m)
            {
                p = pmm;
            }
            else if (l == m + 1)
            {
                p = x * (2.0L * m + 1.0L) * pmm;
            }
            else
            {
                p = (x * (2.0L * l - 1.0L) * prev - (l + m - 1.0L) * prev2) / (l - m);
            }
            if (l > m)
            {
                prev2 = prev;
                prev = p;
            }
            const long double norm = expl(0.5L * (lgammal(l - m + 1.0L) - lgammal(l + m + 1.0L))) *
                                     sqrtl((2.0L * l + 1.0L) / (4.0L * pi));
            const auto base = static_cast<std::size_t>(l * l + l);
            if (m == 0)
            {
                out[base] = norm * p;
            }
            else
            {
                out[base + static_cast<std::size_t>(m)] = sqrtl(2.0L) * norm * p * cosl(m * phi);
                out[base - static_cast<std::size_t>(m)] = sqrtl(2.0L) * norm * p * sinl(m * phi);
            }
        }
    }
    return out;
}

TEST(SphericalHarmonics, GaussLegendreHelperIntegratesPolynomials)
{
    std::vector<double> x;
    std::vector<double> w;
    gaussLegendre(12, x, w);
    double sum = 0.0;
    double x22 = 0.0; // integral of x^22 over [-1, 1] = 2/23 (exact for 12 nodes)
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        sum += w[i];
        x22 += w[i] * std::pow(x[i], 22);
    }
    EXPECT_NEAR(sum, 2.0, 1e-14);
    EXPECT_NEAR(x22, 2.0 / 23.0, 1e-14);
}

TEST(SphericalHarmonics, OrthonormalByQuadratureUpToDegree20)
{
    const int L = 21; // degrees 0..20
    const int nTheta = L + 2;
    const int nPhi = 2 * L + 2;
    std::vector<double> x;
    std::vector<double> w;
    gaussLegendre(nTheta, x, w);

    std::vector<std::pair<double, double>> pts;
    std::vector<double> weights;
    for (int i = 0; i < nTheta; ++i)
    {
        // cos(theta) = x with theta = rad(lat + 90), i.e. x = -sin(lat).
        const double lat = std::asin(-x[static_cast<std::size_t>(i)]) * 180.0 / kPi;
        for (int j = 0; j < nPhi; ++j)
        {
            pts.emplace_back(-180.0 + 360.0 * j / nPhi, lat);
            weights.push_back(w[static_cast<std::size_t>(i)] * 2.0 * kPi / nPhi);
        }
    }
    auto enc = makeSh(L);
    const auto y = enc->forward(lonLat(pts)); // [P, L^2]
    ASSERT_EQ(y.size(1), L * L);
    const auto wt = torch::tensor(weights, torch::kFloat64).unsqueeze(1);
    const auto gram = y.t().matmul(y * wt);
    const auto err = (gram - torch::eye(L * L, torch::kFloat64)).abs().max().item<double>();
    std::ostringstream measured;
    measured << std::scientific << err;
    RecordProperty("max_abs_gram_error", measured.str());
    EXPECT_LT(err, 1e-10) << "max |Gram - I| = " << err;
}

TEST(SphericalHarmonics, AgreesWithIndependentLongDoubleEvaluationAtL100)
{
    const int L = 100; // degrees 0..99
    const std::vector<std::pair<double, double>> pts = {
        {0.0, 0.0},    {180.0, 0.0},   {-180.0, 0.0},        {0.0, 89.999},        {123.4, -89.999},
        {-45.0, 89.9}, {77.7, -89.9},  {-122.4194, 37.7749}, {151.2093, -33.8688}, {-179.5, -45.25},
        {10.0, 60.0},  {-60.0, -75.0}, {90.0, 30.0},         {-90.0, -30.0},       {33.3, 1e-7},
        {-12.5, 45.0}, {170.0, 85.0},  {-170.0, -85.0},      {5.5, -12.25},        {135.0, 67.5},
    };
    auto enc = makeSh(L);
    const auto y = enc->forward(lonLat(pts)).contiguous();
    ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{20, L * L}));
    const auto ya = y.accessor<double, 2>();

    double maxAbsRef = 0.0;
    std::vector<std::vector<long double>> refs;
    for (const auto& [lon, lat] : pts)
    {
        refs.push_back(referenceSh(L, lon, lat));
        for (const auto v : refs.back())
        {
            maxAbsRef = std::max(maxAbsRef, static_cast<double>(fabsl(v)));
        }
    }
    ASSERT_GT(maxAbsRef, 1.0);
    double maxErr = 0.0;
    std::int64_t worstPoint = -1;
    std::int64_t worstIndex = -1;
    for (std::size_t i = 0; i < pts.size(); ++i)
    {
        for (std::int64_t k = 0; k < L * L; ++k)
        {
            const double err = std::abs(ya[static_cast<std::int64_t>(i)][k] -
                                        static_cast<double>(refs[i][static_cast<std::size_t>(k)]));
            if (!(err <= maxErr)) // NaN is reported as the worst
            {
                maxErr = std::isnan(err) ? INFINITY : err;
                worstPoint = static_cast<std::int64_t>(i);
                worstIndex = k;
            }
        }
    }
    std::ostringstream measured;
    measured << std::scientific << maxErr / maxAbsRef;
    RecordProperty("max_relative_error", measured.str());
    EXPECT_LT(maxErr, 1e-9 * maxAbsRef) << "worst point " << worstPoint << ", index " << worstIndex
                                        << " (max |Y| = " << maxAbsRef << ")";
}

TEST(SphericalHarmonics, AdditionTheoremHoldsForEveryDegreeBelow100)
{
    const int L = 100;
    torch::manual_seed(1234);
    const auto n = 16;
    auto pts = torch::stack({torch::rand({n}, torch::kFloat64) * 360.0 - 180.0,
                             torch::rand({n}, torch::kFloat64) * 180.0 - 90.0},
                            1);
    auto enc = makeSh(L);
    const auto y = enc->forward(pts);
    for (int l = 0; l < L; ++l)
    {
        const auto sq = y.narrow(1, l * l, 2 * l + 1).pow(2).sum(1); // [N]
        const double expected = (2.0 * l + 1.0) / (4.0 * kPi);
        const double err = (sq - expected).abs().max().item<double>();
        EXPECT_LT(err, 1e-11 * expected) << "degree " << l;
    }
}

TEST(SphericalHarmonics, KnownLowDegreeValues)
{
    const std::vector<std::pair<double, double>> pts = {
        {0.0, 0.0}, {30.0, 45.0}, {-100.0, -60.0}, {179.0, 89.0}, {-20.0, -10.0}};
    auto enc = makeSh(2);
    const auto y = enc->forward(lonLat(pts));
    ASSERT_EQ(y.size(1), 4);
    for (std::size_t i = 0; i < pts.size(); ++i)
    {
        const auto [lon, lat] = pts[i];
        const double theta = (lat + 90.0) * kPi / 180.0;
        const double phi = (lon + 180.0) * kPi / 180.0;
        const auto row = y[static_cast<std::int64_t>(i)];
        const double c1 = 0.4886025119029199; // sqrt(3 / (4 pi))
        EXPECT_NEAR(row[0].item<double>(), 0.28209479177387814, 1e-15);
        EXPECT_NEAR(row[2].item<double>(), c1 * std::cos(theta), 1e-14) << "Y_1^0, point " << i;
        EXPECT_NEAR(row[3].item<double>(), c1 * std::sin(theta) * std::cos(phi), 1e-14)
            << "Y_1^1, point " << i;
        EXPECT_NEAR(row[1].item<double>(), c1 * std::sin(theta) * std::sin(phi), 1e-14)
            << "Y_1^-1, point " << i;
    }
    // theta = 0 is the south pole (locationencoder convention): Y_1^0 = +c1 there.
    const auto south = enc->forward(lonLat({{0.0, -90.0}}));
    EXPECT_NEAR(south[0][2].item<double>(), 0.4886025119029199, 1e-14);
}

TEST(SphericalHarmonics, FiniteAtPolesAtL100WithOnlyZonalTermsNonZero)
{
    const int L = 100;
    const auto pts = lonLat(
        {{0.0, 90.0}, {-180.0, 90.0}, {77.0, 90.0}, {0.0, -90.0}, {180.0, -90.0}, {-33.0, -90.0}});
    auto enc = makeSh(L);
    const auto y = enc->forward(pts);
    ASSERT_TRUE(torch::isfinite(y).all().item<bool>());
    for (int l = 0; l < L; ++l)
    {
        // North pole: cos(theta) = -1, P_l(-1) = (-1)^l; south pole: cos(theta) = +1.
        const double zonal = std::sqrt((2.0 * l + 1.0) / (4.0 * kPi));
        const auto col = y.select(1, l * l + l);
        for (std::int64_t i = 0; i < 3; ++i)
        {
            EXPECT_NEAR(col[i].item<double>(), (l % 2 == 0 ? 1.0 : -1.0) * zonal, 1e-11)
                << "north pole, degree " << l;
            EXPECT_NEAR(col[i + 3].item<double>(), zonal, 1e-11) << "south pole, degree " << l;
        }
        for (int m = -l; m <= l; ++m)
        {
            if (m != 0)
            {
                EXPECT_LT(y.select(1, l * l + l + m).abs().max().item<double>(), 1e-12)
                    << "l=" << l << " m=" << m;
            }
        }
    }
}

TEST(SphericalHarmonics, GradientsAreFiniteAtL100)
{
    const auto pts = lonLat({{10.0, 20.0},
                             {-135.0, -60.0},
                             {179.0, 88.0},
                             {-0.5, -89.5},
                             {60.0, 0.0},
                             {0.0, 90.0},
                             {45.0, -90.0}})
                         .requires_grad_(true);
    auto enc = makeSh(100);
    const auto y = enc->forward(pts);
    torch::manual_seed(7);
    const auto w = torch::randn({1, y.size(1)}, torch::kFloat64);
    (y * w).sum().backward();
    const auto g = pts.grad();
    ASSERT_TRUE(g.defined());
    // Non-pole rows (the first five) must have finite, non-zero gradients.
    const auto inner = g.narrow(0, 0, 5);
    EXPECT_TRUE(torch::isfinite(inner).all().item<bool>()) << inner;
    EXPECT_GT(inner.abs().sum().item<double>(), 0.0);
    // At the poles the code avoids sqrt(1 - x^2), so the gradient stays finite there too.
    EXPECT_TRUE(torch::isfinite(g.narrow(0, 5, 2)).all().item<bool>()) << g;
}

TEST(SphericalHarmonics, M0ScaleMultipliesExactlyTheZonalColumns)
{
    const int L = 12;
    const auto pts = lonLat({{0.0, 0.0}, {33.0, 44.0}, {-120.0, -70.0}, {179.0, 10.0}});
    const auto base = makeSh(L)->forward(pts);
    const auto scaled = makeSh(L, {{"m0_scale", kPi}})->forward(pts);
    for (int l = 0; l < L; ++l)
    {
        for (int m = -l; m <= l; ++m)
        {
            const auto k = l * l + l + m;
            const auto b = base.select(1, k);
            const auto s = scaled.select(1, k);
            if (m == 0)
            {
                EXPECT_TRUE(torch::allclose(s, b * kPi, 1e-15, 0.0)) << "l=" << l;
                EXPECT_GT(b.abs().max().item<double>(), 1e-3) << "l=" << l;
            }
            else
            {
                EXPECT_TRUE(torch::equal(s, b)) << "l=" << l << " m=" << m;
            }
        }
    }
    // Y_0^0 with SatCLIP's scale: pi / (2 sqrt(pi)) = sqrt(pi) / 2.
    EXPECT_NEAR(scaled[0][0].item<double>(), std::sqrt(kPi) / 2.0, 1e-15);
}

TEST(SphericalHarmonics, ClosedFormSignFlipsOddOrderColumns)
{
    const int L = 12;
    const auto pts = lonLat({{0.0, 0.0}, {33.0, 44.0}, {-120.0, -70.0}, {179.0, 10.0}});
    const auto base = makeSh(L)->forward(pts);
    const auto flipped = makeSh(L, {{"closed_form_sign", true}})->forward(pts);
    for (int l = 0; l < L; ++l)
    {
        for (int m = -l; m <= l; ++m)
        {
            const auto k = l * l + l + m;
            const auto b = base.select(1, k);
            const auto f = flipped.select(1, k);
            if (std::abs(m) % 2 == 1)
            {
                EXPECT_TRUE(torch::equal(f, -b)) << "l=" << l << " m=" << m;
                EXPECT_GT(b.abs().max().item<double>(), 1e-6) << "l=" << l << " m=" << m;
            }
            else
            {
                EXPECT_TRUE(torch::equal(f, b)) << "l=" << l << " m=" << m;
            }
        }
    }
}

TEST(SphericalHarmonics, OutputDimIsLSquaredAndLZeroIsEmpty)
{
    EXPECT_EQ(makeSh(1)->outputDim(), 1);
    EXPECT_EQ(makeSh(7)->outputDim(), 49);
    EXPECT_EQ(makeSh(100)->outputDim(), 10000);
    const auto y0 = makeSh(0)->forward(lonLat({{1.0, 2.0}, {3.0, 4.0}}));
    EXPECT_EQ(y0.sizes(), (std::vector<std::int64_t>{2, 0}));
    // Degree 0 is constant everywhere.
    const auto y1 = makeSh(1)->forward(lonLat({{1.0, 2.0}, {-170.0, -80.0}, {0.0, 90.0}}));
    EXPECT_TRUE(
        torch::allclose(y1, torch::full({3, 1}, 0.28209479177387814, torch::kFloat64), 0.0, 1e-15));
}

} // namespace
