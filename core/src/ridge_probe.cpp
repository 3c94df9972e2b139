// SPDX-License-Identifier: MIT
// Ridge probe (science.md §5.6): rows are reduced to moments (count, sums, Gram matrix) per fold;
// every fit and every R² is then a small d x d computation on those moments.
#include <geoinr/core/error.h>
#include <geoinr/core/ridge_probe.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace geoinr::core
{
namespace
{

/**
 * Sufficient statistics of rows (x, y), taken about a fixed shift (x0, y0) so that the sums stay
 * small and their differences lose few digits: n, Σx', Σy', Σy'², Σx'y', Σx'x'ᵀ with x' = x - x0.
 */
struct Moments
{
    std::int64_t n = 0;
    double sy = 0.0, syy = 0.0;
    std::vector<double> sx, sxy, gram; // [d], [d], [d x d]

    explicit Moments(std::int64_t d = 0)
        : sx(static_cast<std::size_t>(d), 0.0), sxy(static_cast<std::size_t>(d), 0.0),
          gram(static_cast<std::size_t>(d * d), 0.0)
    {
    }
    Moments& operator+=(const Moments& o)
    {
        n += o.n;
        sy += o.sy;
        syy += o.syy;
        for (std::size_t i = 0; i < sx.size(); ++i)
        {
            sx[i] += o.sx[i];
            sxy[i] += o.sxy[i];
        }
        for (std::size_t i = 0; i < gram.size(); ++i)
        {
            gram[i] += o.gram[i];
        }
        return *this;
    }
};

/** Solves A w = b in place (A symmetric positive definite, row-major d x d) by Cholesky. */
std::vector<double> choleskySolve(std::vector<double> a, std::vector<double> b, std::size_t d)
{
    for (std::size_t j = 0; j < d; ++j)
    {
        double diag = a[j * d + j];
        for (std::size_t k = 0; k < j; ++k)
        {
            diag -= a[j * d + k] * a[j * d + k];
        }
        if (!(diag > 0.0))
        {
            throw InvalidArgument(fmt::format(
                "ridge: the regularised Gram matrix is not positive definite at column {} "
                "(alpha too small for these features?)",
                j));
        }
        const double l = std::sqrt(diag);
        a[j * d + j] = l;
        for (std::size_t i = j + 1; i < d; ++i)
        {
            double v = a[i * d + j];
            for (std::size_t k = 0; k < j; ++k)
            {
                v -= a[i * d + k] * a[j * d + k];
            }
            a[i * d + j] = v / l;
        }
    }
    for (std::size_t i = 0; i < d; ++i) // L z = b
    {
        for (std::size_t k = 0; k < i; ++k)
        {
            b[i] -= a[i * d + k] * b[k];
        }
        b[i] /= a[i * d + i];
    }
    for (std::size_t i = d; i-- > 0;) // Lᵀ w = z
    {
        for (std::size_t k = i + 1; k < d; ++k)
        {
            b[i] -= a[k * d + i] * b[k];
        }
        b[i] /= a[i * d + i];
    }
    return b;
}

/**
 * Ridge on moments of the raw (shifted) features with per-feature scale s: solves
 * (S C S + αI) w = S c with C, c the centred Gram and cross products. Returns w (weights on scaled
 * features), v = s ∘ w (weights on shifted raw features) and the intercept b in shifted units.
 */
struct ShiftedFit
{
    std::vector<double> w, v;
    double b = 0.0;
};

ShiftedFit fitMoments(const Moments& m, const std::vector<double>& scale, double alpha)
{
    const auto d = scale.size();
    const double n = static_cast<double>(m.n);
    const double my = m.sy / n;
    std::vector<double> a(d * d), c(d);
    for (std::size_t i = 0; i < d; ++i)
    {
        const double mi = m.sx[i] / n;
        for (std::size_t j = 0; j < d; ++j)
        {
            a[i * d + j] = scale[i] * scale[j] * (m.gram[i * d + j] - n * mi * (m.sx[j] / n));
        }
        a[i * d + i] += alpha;
        c[i] = scale[i] * (m.sxy[i] - n * mi * my);
    }
    ShiftedFit f;
    f.w = choleskySolve(std::move(a), std::move(c), d);
    f.v.resize(d);
    f.b = my;
    for (std::size_t i = 0; i < d; ++i)
    {
        f.v[i] = scale[i] * f.w[i];
        f.b -= f.v[i] * m.sx[i] / n;
    }
    return f;
}

/** sklearn's R² convention for SST = 0 (force_finite). */
double r2FromSums(double sse, double sst)
{
    if (sst == 0.0)
    {
        return sse == 0.0 ? 1.0 : 0.0;
    }
    return 1.0 - sse / sst;
}

/** R² of b + v·x' on the rows summarised by m, from the moments alone (expanded square). */
double r2OfMoments(const Moments& m, const ShiftedFit& f)
{
    const auto d = f.v.size();
    const double n = static_cast<double>(m.n);
    double vxy = 0.0, vx = 0.0, vgv = 0.0;
    for (std::size_t i = 0; i < d; ++i)
    {
        vxy += f.v[i] * m.sxy[i];
        vx += f.v[i] * m.sx[i];
        double gi = 0.0;
        for (std::size_t j = 0; j < d; ++j)
        {
            gi += m.gram[i * d + j] * f.v[j];
        }
        vgv += f.v[i] * gi;
    }
    const double sse =
        std::max(0.0, m.syy - 2.0 * f.b * m.sy - 2.0 * vxy + n * f.b * f.b + 2.0 * f.b * vx + vgv);
    const double sst = std::max(0.0, m.syy - m.sy * m.sy / n);
    return r2FromSums(sse, sst);
}

void checkAlpha(double alpha)
{
    if (!(alpha > 0.0) || !std::isfinite(alpha))
    {
        throw InvalidArgument(
            fmt::format("ridge alpha: expected a finite number > 0, got {}", alpha));
    }
}

} // namespace

std::vector<std::int64_t> kFoldStarts(std::int64_t n, int k)
{
    if (k < 2)
    {
        throw InvalidArgument(fmt::format("folds: expected at least 2, got {}", k));
    }
    if (n < k)
    {
        throw InvalidArgument(
            fmt::format("folds: {} folds need at least {} train rows, got {}", k, k, n));
    }
    std::vector<std::int64_t> starts{0};
    for (int f = 0; f < k; ++f)
    {
        starts.push_back(starts.back() + n / k + (f < n % k ? 1 : 0));
    }
    return starts;
}

double ridgeR2(const std::vector<double>& truth, const std::vector<double>& predicted)
{
    if (truth.empty() || truth.size() != predicted.size())
    {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double mean = 0.0;
    for (double t : truth)
    {
        mean += t;
    }
    mean /= static_cast<double>(truth.size());
    double sse = 0.0, sst = 0.0;
    for (std::size_t i = 0; i < truth.size(); ++i)
    {
        sse += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
        sst += (truth[i] - mean) * (truth[i] - mean);
    }
    return r2FromSums(sse, sst);
}

RidgeFit fitRidge(const double* x, const double* y, std::int64_t n, std::int64_t d, double alpha)
{
    checkAlpha(alpha);
    if (n < 1 || d < 1)
    {
        throw InvalidArgument(fmt::format("ridge: expected rows and features, got {} x {}", n, d));
    }
    const auto nd = static_cast<std::size_t>(d);
    const auto nn = static_cast<std::size_t>(n);
    std::vector<double> mx(nd, 0.0);
    double my = 0.0;
    for (std::size_t r = 0; r < nn; ++r)
    {
        if (!std::isfinite(y[r]))
        {
            throw InvalidArgument(fmt::format("ridge: target of row {} is not finite", r));
        }
        my += y[r];
        for (std::size_t j = 0; j < nd; ++j)
        {
            if (!std::isfinite(x[r * nd + j]))
            {
                throw InvalidArgument(
                    fmt::format("ridge: feature {} of row {} is not finite", j, r));
            }
            mx[j] += x[r * nd + j];
        }
    }
    my /= static_cast<double>(n);
    for (auto& v : mx)
    {
        v /= static_cast<double>(n);
    }
    std::vector<double> a(nd * nd, 0.0), c(nd, 0.0);
    for (std::size_t r = 0; r < nn; ++r)
    {
        for (std::size_t i = 0; i < nd; ++i)
        {
            const double xi = x[r * nd + i] - mx[i];
            c[i] += xi * (y[r] - my);
            for (std::size_t j = 0; j < nd; ++j)
            {
                a[i * nd + j] += xi * (x[r * nd + j] - mx[j]);
            }
        }
    }
    for (std::size_t i = 0; i < nd; ++i)
    {
        a[i * nd + i] += alpha;
    }
    RidgeFit fit;
    fit.weights = choleskySolve(std::move(a), std::move(c), nd);
    fit.intercept = my;
    for (std::size_t i = 0; i < nd; ++i)
    {
        fit.intercept -= fit.weights[i] * mx[i];
    }
    return fit;
}

struct RidgeProbe::Impl
{
    std::int64_t d = 0;
    std::int64_t trainRows = 0;
    RidgeProbeOptions options;
    std::vector<std::int64_t> foldStarts;
    std::vector<Moments> folds;
    Moments test;
    std::int64_t trainSeen = 0;
    bool haveShift = false;
    std::vector<double> shiftX;
    double shiftY = 0.0;
    std::vector<double> minX, maxX; // over train rows

    void setShift(const float* x, const double* y)
    {
        if (haveShift)
        {
            return;
        }
        shiftX.assign(x, x + d);
        shiftY = y[0];
        haveShift = true;
    }

    /** Adds n rows to `m`: Gram by one double-precision matrix product per chunk. */
    void accumulate(Moments& m, const float* x, const double* y, std::int64_t n, const char* what,
                    std::int64_t firstRow)
    {
        const auto nd = static_cast<std::size_t>(d);
        std::vector<double> shifted(static_cast<std::size_t>(n) * nd);
        for (std::int64_t r = 0; r < n; ++r)
        {
            const auto rr = static_cast<std::size_t>(r);
            const double yr = y[rr];
            if (!std::isfinite(yr))
            {
                throw InvalidArgument(fmt::format("ridge probe: target of {} row {} is not finite",
                                                  what, firstRow + r));
            }
            const double ys = yr - shiftY;
            m.sy += ys;
            m.syy += ys * ys;
            for (std::size_t j = 0; j < nd; ++j)
            {
                const double xv = x[rr * nd + j];
                if (!std::isfinite(xv))
                {
                    throw InvalidArgument(
                        fmt::format("ridge probe: feature {} of {} row {} is not finite", j, what,
                                    firstRow + r));
                }
                const double xs = xv - shiftX[j];
                shifted[rr * nd + j] = xs;
                m.sx[j] += xs;
                m.sxy[j] += xs * ys;
            }
        }
        m.n += n;
        const auto xt = torch::from_blob(shifted.data(), {n, d}, torch::kFloat64);
        auto gram = torch::from_blob(m.gram.data(), {d, d}, torch::kFloat64);
        gram.addmm_(xt.t(), xt);
    }
};

RidgeProbe::RidgeProbe(std::int64_t featureDim, std::int64_t trainRows, RidgeProbeOptions options)
    : m_impl(std::make_unique<Impl>())
{
    auto& m = *m_impl;
    if (featureDim < 1)
    {
        throw InvalidArgument(
            fmt::format("ridge probe: expected >= 1 feature, got {}", featureDim));
    }
    if (options.alphas.empty())
    {
        throw InvalidArgument("alphas: expected at least one value");
    }
    for (double a : options.alphas)
    {
        checkAlpha(a);
    }
    m.d = featureDim;
    m.trainRows = trainRows;
    m.foldStarts = kFoldStarts(trainRows, options.folds);
    m.options = std::move(options);
    m.folds.assign(static_cast<std::size_t>(m.options.folds), Moments(featureDim));
    m.test = Moments(featureDim);
    m.minX.assign(static_cast<std::size_t>(featureDim), std::numeric_limits<double>::infinity());
    m.maxX.assign(static_cast<std::size_t>(featureDim), -std::numeric_limits<double>::infinity());
}

RidgeProbe::~RidgeProbe() = default;
RidgeProbe::RidgeProbe(RidgeProbe&&) noexcept = default;
RidgeProbe& RidgeProbe::operator=(RidgeProbe&&) noexcept = default;

void RidgeProbe::addTrainRows(const float* x, const double* y, std::int64_t n)
{
    auto& m = *m_impl;
    if (n <= 0)
    {
        return;
    }
    if (m.trainSeen + n > m.trainRows)
    {
        throw InvalidArgument(fmt::format("ridge probe: {} train rows announced, got {}",
                                          m.trainRows, m.trainSeen + n));
    }
    m.setShift(x, y);
    const auto nd = static_cast<std::size_t>(m.d);
    for (std::size_t r = 0; r < static_cast<std::size_t>(n); ++r)
    {
        for (std::size_t j = 0; j < nd; ++j)
        {
            m.minX[j] = std::min(m.minX[j], static_cast<double>(x[r * nd + j]));
            m.maxX[j] = std::max(m.maxX[j], static_cast<double>(x[r * nd + j]));
        }
    }
    // Split the rows at fold boundaries.
    std::int64_t done = 0;
    while (done < n)
    {
        const auto row = m.trainSeen + done;
        const auto fold = static_cast<std::size_t>(
            std::upper_bound(m.foldStarts.begin(), m.foldStarts.end(), row) - m.foldStarts.begin() -
            1);
        const auto take = std::min(n - done, m.foldStarts[fold + 1] - row);
        m.accumulate(m.folds[fold], x + done * m.d, y + done, take, "train", row);
        done += take;
    }
    m.trainSeen += n;
}

void RidgeProbe::addTestRows(const float* x, const double* y, std::int64_t n)
{
    auto& m = *m_impl;
    if (n <= 0)
    {
        return;
    }
    m.setShift(x, y);
    m.accumulate(m.test, x, y, n, "test", m.test.n);
}

RidgeProbeResult RidgeProbe::solve() const
{
    const auto& m = *m_impl;
    if (m.trainSeen != m.trainRows)
    {
        throw InvalidArgument(
            fmt::format("ridge probe: {} train rows announced, got {}", m.trainRows, m.trainSeen));
    }
    if (m.test.n < 1)
    {
        throw InvalidArgument("ridge probe: no test rows");
    }
    const auto nd = static_cast<std::size_t>(m.d);
    RidgeProbeResult out;
    out.trainRows = m.trainRows;
    out.testRows = m.test.n;
    // sklearn MinMaxScaler: scale = 1 / (max - min), 1 for (near-)constant features.
    out.featureMin.assign(nd, 0.0);
    out.featureScale.assign(nd, 1.0);
    if (m.options.minMaxScale)
    {
        for (std::size_t j = 0; j < nd; ++j)
        {
            const double range = m.maxX[j] - m.minX[j];
            out.featureMin[j] = m.minX[j];
            out.featureScale[j] =
                range < 10.0 * std::numeric_limits<double>::epsilon() ? 1.0 : 1.0 / range;
        }
    }
    const auto k = m.folds.size();
    std::vector<Moments> complement(k, Moments(m.d));
    Moments all(m.d);
    for (std::size_t f = 0; f < k; ++f)
    {
        all += m.folds[f];
        for (std::size_t g = 0; g < k; ++g)
        {
            if (g != f)
            {
                complement[f] += m.folds[g];
            }
        }
    }
    // GridSearchCV: the highest mean fold score wins, the first α on ties.
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t a = 0; a < m.options.alphas.size(); ++a)
    {
        std::vector<double> scores;
        for (std::size_t f = 0; f < k; ++f)
        {
            const auto fit = fitMoments(complement[f], out.featureScale, m.options.alphas[a]);
            scores.push_back(r2OfMoments(m.folds[f], fit));
        }
        double mean = 0.0;
        for (double s : scores)
        {
            mean += s;
        }
        mean /= static_cast<double>(k);
        out.foldR2.push_back(scores);
        out.meanFoldR2.push_back(mean);
        if (mean > best || a == 0)
        {
            best = mean;
            out.alphaIndex = a;
        }
    }
    out.alpha = m.options.alphas[out.alphaIndex];
    const auto fit = fitMoments(all, out.featureScale, out.alpha);
    out.trainR2 = r2OfMoments(all, fit);
    out.testR2 = r2OfMoments(m.test, fit);
    // Back from shifted raw features to scaled ones: y = y0 + b + Σ v_j (x_j - x0_j).
    out.weights = fit.w;
    out.intercept = m.shiftY + fit.b;
    for (std::size_t j = 0; j < nd; ++j)
    {
        out.intercept -= fit.v[j] * (m.shiftX[j] - out.featureMin[j]);
    }
    return out;
}

} // namespace geoinr::core
