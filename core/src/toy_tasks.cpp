// SPDX-License-Identifier: MIT
#include <geoinr/core/classifier_fit.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/toy_tasks.h>

#include <torch/torch.h>

#include <cmath>
#include <random>
#include <vector>

namespace geoinr::core
{
namespace
{

/** NumPy's legacy RandomState normal stream: MT19937, 53-bit doubles, polar Box-Muller. */
class NumpyLegacyNormal
{
  public:
    explicit NumpyLegacyNormal(std::uint32_t seed) : m_rng(seed) {}

    double next()
    {
        if (m_hasSaved)
        {
            m_hasSaved = false;
            return m_saved;
        }
        double x1 = 0.0;
        double x2 = 0.0;
        double r2 = 0.0;
        do
        {
            x1 = 2.0 * uniform() - 1.0;
            x2 = 2.0 * uniform() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        const double f = std::sqrt(-2.0 * std::log(r2) / r2);
        m_saved = f * x1;
        m_hasSaved = true;
        return f * x2;
    }

  private:
    double uniform()
    {
        const std::uint32_t a = m_rng() >> 5;
        const std::uint32_t b = m_rng() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    std::mt19937 m_rng;
    double m_saved = 0.0;
    bool m_hasSaved = false;
};

/** Python's floored modulo. */
double flooredMod(double a, double b)
{
    return a - b * std::floor(a / b);
}

} // namespace

std::vector<double> sphericalUniformLonLat(std::int64_t n, std::uint32_t seed)
{
    if (n < 0)
    {
        throw InvalidArgument("spherical-uniform sampler: the number of points must be >= 0");
    }
    NumpyLegacyNormal normal(seed);
    std::vector<double> xyz(static_cast<std::size_t>(3 * n));
    for (auto& v : xyz)
    {
        v = normal.next(); // row-major (3, n): all x, then y, then z
    }
    std::vector<double> out(static_cast<std::size_t>(2 * n));
    for (std::int64_t i = 0; i < n; ++i)
    {
        const double x = xyz[static_cast<std::size_t>(i)];
        const double y = xyz[static_cast<std::size_t>(n + i)];
        const double z = xyz[static_cast<std::size_t>(2 * n + i)];
        out[static_cast<std::size_t>(2 * i)] = std::atan2(y, x) * 180.0 / M_PI;
        out[static_cast<std::size_t>(2 * i + 1)] = std::atan2(z, std::hypot(x, y)) * 180.0 / M_PI;
    }
    return out;
}

torch::Tensor sphericalUniformNumpy(std::int64_t n, std::uint32_t seed)
{
    return torch::tensor(sphericalUniformLonLat(n, seed), torch::kFloat64).reshape({n, 2});
}

torch::Tensor fibonacciLattice(std::int64_t n)
{
    const double golden = (1.0 + std::sqrt(5.0)) / 2.0;
    std::vector<double> out;
    out.reserve(static_cast<std::size_t>(2 * n));
    for (std::int64_t i = -n / 2; i < n - n / 2; ++i)
    {
        const double lat =
            std::asin(2.0 * static_cast<double>(i) / static_cast<double>(n + 1)) * 180.0 / M_PI;
        double lon = flooredMod(static_cast<double>(i), golden) * 360.0 / golden;
        if (lon > 180.0)
        {
            lon -= 360.0;
        }
        if (lon < -180.0)
        {
            lon += 360.0;
        }
        out.push_back(lon);
        out.push_back(lat);
    }
    return torch::tensor(out, torch::kFloat64).reshape({n, 2});
}

torch::Tensor nearestSupport(const torch::Tensor& lonLatDeg, const torch::Tensor& supportLonLatDeg)
{
    const auto p = lonLatDeg.to(torch::kFloat64) * (M_PI / 180.0);
    const auto s = supportLonLatDeg.to(torch::kFloat64) * (M_PI / 180.0);
    const auto lon1 = p.select(1, 0).unsqueeze(1);
    const auto lat1 = p.select(1, 1).unsqueeze(1);
    const auto lon2 = s.select(1, 0).unsqueeze(0);
    const auto lat2 = s.select(1, 1).unsqueeze(0);
    // Haversine term h is monotone in distance: argmin over h suffices.
    const auto h = ((lat2 - lat1) / 2).sin().pow(2) +
                   lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2).sin().pow(2);
    return std::get<1>(h.min(1)); // first index on ties
}

CheckerboardTask makeCheckerboard(std::int64_t numSupport, std::int64_t numClasses,
                                  std::int64_t numSamples, std::int64_t numTest)
{
    if (numSupport < 1 || numClasses < 1 || numSamples < 1 || numTest < 1)
    {
        throw InvalidArgument("checkerboard: sizes must be positive");
    }
    const auto support = fibonacciLattice(numSupport);
    // label_i = i mod C with i running from -N/2 (floored modulo).
    const auto idx = torch::arange(-numSupport / 2, numSupport - numSupport / 2, torch::kLong);
    const auto supportLabels = torch::remainder(idx, numClasses);
    CheckerboardTask t;
    t.numClasses = numClasses;
    t.trainLonLat = sphericalUniformNumpy(numSamples, 0);
    t.valLonLat = sphericalUniformNumpy(numSamples, 1);
    t.testLonLat = fibonacciLattice(numTest);
    t.trainLabels = supportLabels.index_select(0, nearestSupport(t.trainLonLat, support));
    t.valLabels = supportLabels.index_select(0, nearestSupport(t.valLonLat, support));
    t.testLabels = supportLabels.index_select(0, nearestSupport(t.testLonLat, support));
    return t;
}

namespace
{

LabelledPoints toPoints(const torch::Tensor& lonLat, const torch::Tensor& labels)
{
    LabelledPoints p;
    const auto ll = lonLat.to(torch::kFloat64).contiguous();
    p.lonLat.assign(ll.data_ptr<double>(), ll.data_ptr<double>() + ll.numel());
    const auto y = labels.to(torch::kLong).contiguous();
    p.labels.assign(y.data_ptr<std::int64_t>(), y.data_ptr<std::int64_t>() + y.numel());
    return p;
}

} // namespace

ClassificationTask checkerboardTask(std::int64_t numSupport, std::int64_t numClasses,
                                    std::int64_t numSamples, std::int64_t numTest)
{
    const auto t = makeCheckerboard(numSupport, numClasses, numSamples, numTest);
    ClassificationTask task;
    task.name = "checkerboard";
    task.numClasses = numClasses;
    task.train = toPoints(t.trainLonLat, t.trainLabels);
    task.validation = toPoints(t.valLonLat, t.valLabels);
    task.test = toPoints(t.testLonLat, t.testLabels);
    return task;
}

} // namespace geoinr::core
