// SPDX-License-Identifier: MIT
// Geo-bias score (science.md §5.10): k-NN weights, spatial self-information with the analytic
// randomisation moments, and the base / relative neighbourhood scores.
#include "split_mix.h"

#include <geoinr/core/error.h>
#include <geoinr/core/geo_bias.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <utility>

namespace geoinr::core
{
namespace
{

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegToRad = kPi / 180.0;
constexpr double kMaxBackgroundPoints = 2.0e6;

/** Uniform index in [0, n) by rejection: fixed across standard libraries, unlike
 *  std::uniform_int_distribution. */
std::size_t uniformIndex(std::mt19937_64& rng, std::size_t n)
{
    const auto bound = static_cast<std::uint64_t>(n);
    const std::uint64_t threshold = (0 - bound) % bound; // 2^64 mod n
    std::uint64_t x = rng();
    while (x < threshold)
    {
        x = rng();
    }
    return static_cast<std::size_t>(x % bound);
}

void requireFinite(const std::vector<double>& v, const char* what)
{
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        if (!std::isfinite(v[i]))
        {
            throw InvalidArgument(fmt::format("{}[{}] = {} is not finite", what, i, v[i]));
        }
    }
}

/** Points bucketed on a square grid of cells, for k-NN by expanding rings of cells. */
class CellGrid
{
  public:
    CellGrid(const std::vector<double>& x, const std::vector<double>& y) : m_x(x), m_y(y)
    {
        const auto [x0, x1] = std::minmax_element(x.begin(), x.end());
        const auto [y0, y1] = std::minmax_element(y.begin(), y.end());
        m_minX = *x0;
        m_minY = *y0;
        const double w = *x1 - *x0;
        const double h = *y1 - *y0;
        const auto n = static_cast<double>(x.size());
        // About four points per cell when spread evenly; the second bound keeps the cell count
        // O(n) for thin or collinear sets (cells <= n/4 + n + 1).
        m_cell = std::max(2.0 * std::sqrt(w * h / n), 2.0 * std::max(w, h) / n);
        if (!(m_cell > 0.0))
        {
            m_cell = 1.0; // every point on one spot
        }
        m_nx = static_cast<long>(w / m_cell) + 1;
        m_ny = static_cast<long>(h / m_cell) + 1;
        // Counting sort of the points by cell.
        m_start.assign(static_cast<std::size_t>(m_nx * m_ny) + 1, 0);
        for (std::size_t i = 0; i < x.size(); ++i)
        {
            ++m_start[cellIndex(cellX(i), cellY(i)) + 1];
        }
        for (std::size_t c = 1; c < m_start.size(); ++c)
        {
            m_start[c] += m_start[c - 1];
        }
        m_items.resize(x.size());
        auto fill = m_start;
        for (std::size_t i = 0; i < x.size(); ++i)
        {
            m_items[fill[cellIndex(cellX(i), cellY(i))]++] = i;
        }
    }

    /** The k nearest other points of i, nearest first, ties to the lower index. */
    std::vector<std::size_t> nearest(std::size_t i, std::size_t k) const
    {
        using Candidate = std::pair<double, std::size_t>; // (squared distance, index)
        std::vector<Candidate> best;                      // max-heap of the k best so far
        best.reserve(k + 1);
        const long cx = cellX(i);
        const long cy = cellY(i);
        const auto visit = [&](long gx, long gy)
        {
            if (gx < 0 || gy < 0 || gx >= m_nx || gy >= m_ny)
            {
                return;
            }
            const std::size_t c = cellIndex(gx, gy);
            for (std::size_t p = m_start[c]; p < m_start[c + 1]; ++p)
            {
                const std::size_t j = m_items[p];
                if (j == i)
                {
                    continue;
                }
                const double dx = m_x[j] - m_x[i];
                const double dy = m_y[j] - m_y[i];
                const Candidate cand{dx * dx + dy * dy, j};
                if (best.size() < k || cand < best.front())
                {
                    best.push_back(cand);
                    std::push_heap(best.begin(), best.end());
                    if (best.size() > k)
                    {
                        std::pop_heap(best.begin(), best.end());
                        best.pop_back();
                    }
                }
            }
        };
        for (long r = 0;; ++r)
        {
            for (long d = -r; d <= r; ++d)
            {
                visit(cx + d, cy - r);
                if (r > 0)
                {
                    visit(cx + d, cy + r);
                }
            }
            for (long d = -r + 1; d <= r - 1; ++d)
            {
                visit(cx - r, cy + d);
                visit(cx + r, cy + d);
            }
            // Points beyond ring r are at least r cells away; strict '<' keeps index ties exact.
            const double reach = static_cast<double>(r) * m_cell;
            if ((best.size() == k && best.front().first < reach * reach) ||
                r > std::max(m_nx, m_ny))
            {
                break;
            }
        }
        std::sort_heap(best.begin(), best.end());
        std::vector<std::size_t> row(best.size());
        std::transform(best.begin(), best.end(), row.begin(),
                       [](const Candidate& c) { return c.second; });
        return row;
    }

  private:
    long cellX(std::size_t i) const { return std::min(m_nx - 1, cellOf(m_x[i] - m_minX)); }
    long cellY(std::size_t i) const { return std::min(m_ny - 1, cellOf(m_y[i] - m_minY)); }
    long cellOf(double offset) const { return static_cast<long>(offset / m_cell); }
    std::size_t cellIndex(long gx, long gy) const
    {
        return static_cast<std::size_t>(gy * m_nx + gx);
    }

    const std::vector<double>& m_x;
    const std::vector<double>& m_y;
    double m_minX = 0.0;
    double m_minY = 0.0;
    double m_cell = 1.0;
    long m_nx = 1;
    long m_ny = 1;
    std::vector<std::size_t> m_start; ///< first item of each cell; one past the end last
    std::vector<std::size_t> m_items; ///< point indices sorted by cell
};

/** Checks a weight row list; returns S0. */
double checkWeights(const NeighbourLists& w, std::size_t n)
{
    if (w.size() != n)
    {
        throw InvalidArgument(fmt::format("weights have {} rows for {} marks", w.size(), n));
    }
    std::vector<std::size_t> seen(n, 0); // seen[j] == i + 1: j already in row i
    double s0 = 0.0;
    for (std::size_t i = 0; i < n; ++i)
    {
        for (const std::size_t j : w[i])
        {
            if (j >= n || j == i || seen[j] == i + 1)
            {
                throw InvalidArgument(fmt::format(
                    "weights row {}: neighbour {} is out of range [0, {}), the point itself or a "
                    "repeat",
                    i, j, n));
            }
            seen[j] = i + 1;
        }
        s0 += static_cast<double>(w[i].size());
    }
    return s0;
}

/** Cliff & Ord's S1 = ½ Σ (w_ij + w_ji)² and S2 = Σ (w_i. + w_.i)² for binary weights. */
std::pair<double, double> cliffOrdS1S2(const NeighbourLists& w)
{
    const std::size_t n = w.size();
    NeighbourLists sorted = w;
    std::vector<double> degree(n, 0.0); // out-degree + in-degree
    for (std::size_t i = 0; i < n; ++i)
    {
        std::sort(sorted[i].begin(), sorted[i].end());
        degree[i] += static_cast<double>(w[i].size());
        for (const std::size_t j : w[i])
        {
            degree[j] += 1.0;
        }
    }
    double s1 = 0.0;
    for (std::size_t i = 0; i < n; ++i)
    {
        for (const std::size_t j : w[i])
        {
            // A mutual pair contributes ½(2² + 2²) = 4 over its two directed edges; one way, ½·2.
            s1 += std::binary_search(sorted[j].begin(), sorted[j].end(), i) ? 2.0 : 1.0;
        }
    }
    double s2 = 0.0;
    for (const double d : degree)
    {
        s2 += d * d;
    }
    return {s1, s2};
}

double surprisal(double x, double mean, double std)
{
    const double u = (x - mean) / std;
    const double pdf = std::exp(-0.5 * u * u) / (std * std::sqrt(2.0 * kPi));
    return -std::log(pdf + 1e-256);
}

} // namespace

NeighbourLists knnNeighbours(const std::vector<double>& x, const std::vector<double>& y, int k)
{
    if (x.size() != y.size())
    {
        throw InvalidArgument(
            fmt::format("k-NN: {} x coordinates but {} y coordinates", x.size(), y.size()));
    }
    if (k < 1)
    {
        throw InvalidArgument(fmt::format("k-NN: k = {}, expected k >= 1", k));
    }
    if (x.size() < static_cast<std::size_t>(k) + 1)
    {
        throw InvalidArgument(
            fmt::format("k-NN: {} points, expected at least k + 1 = {}", x.size(), k + 1));
    }
    requireFinite(x, "x");
    requireFinite(y, "y");
    const CellGrid grid(x, y);
    NeighbourLists rows(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
    {
        rows[i] = grid.nearest(i, static_cast<std::size_t>(k));
    }
    return rows;
}

SsiResult spatialSelfInformation(const std::vector<double>& z, const NeighbourLists& w)
{
    const std::size_t n = z.size();
    if (n < 4)
    {
        throw InvalidArgument(fmt::format("SSI: {} marks, expected at least 4", n));
    }
    requireFinite(z, "SSI mark");
    const double s0 = checkWeights(w, n);
    const auto nd = static_cast<double>(n);
    double zMean = 0.0;
    for (const double v : z)
    {
        zMean += v;
    }
    zMean /= nd;
    std::vector<double> d(n);
    double m2 = 0.0;
    double m4 = 0.0;
    for (std::size_t i = 0; i < n; ++i)
    {
        d[i] = z[i] - zMean;
        m2 += d[i] * d[i];
        m4 += d[i] * d[i] * d[i] * d[i];
    }
    m2 /= nd;
    m4 /= nd;
    SsiResult r;
    for (std::size_t i = 0; i < n; ++i)
    {
        double lag = 0.0;
        for (const std::size_t j : w[i])
        {
            lag += d[j];
        }
        r.iu += d[i] * lag;
    }
    r.ssi = std::nan("");
    const bool constant = std::all_of(z.begin(), z.end(), [&](double v) { return v == z[0]; });
    if (constant || s0 == 0.0)
    {
        return r;
    }
    // Moments of Moran's I = I_u / (S0 m2) under randomisation (Cliff & Ord 1981, eq. 1.38).
    const auto [s1, s2] = cliffOrdS1S2(w);
    const double b2 = m4 / (m2 * m2);
    const double eI = -1.0 / (nd - 1.0);
    const double eI2 = (nd * ((nd * nd - 3.0 * nd + 3.0) * s1 - nd * s2 + 3.0 * s0 * s0) -
                        b2 * ((nd * nd - nd) * s1 - 2.0 * nd * s2 + 6.0 * s0 * s0)) /
                       ((nd - 1.0) * (nd - 2.0) * (nd - 3.0) * s0 * s0);
    const double varI = eI2 - eI * eI;
    const double scale = s0 * m2;
    r.mean = eI * scale;
    // A variance at rounding level of E[I²] means I_u is the same for every permutation.
    if (!(varI > 1e-12 * std::max(eI2, eI * eI)))
    {
        return r;
    }
    r.std = std::sqrt(varI) * scale;
    r.ssi = surprisal(r.iu, r.mean, r.std);
    r.defined = true;
    return r;
}

SsiResult spatialSelfInformation(const std::vector<double>& x, const std::vector<double>& y,
                                 const std::vector<double>& z, int k)
{
    if (z.size() != x.size())
    {
        throw InvalidArgument(fmt::format("SSI: {} marks for {} points", z.size(), x.size()));
    }
    return spatialSelfInformation(z, knnNeighbours(x, y, k));
}

namespace
{

/** Great-circle distance (km) and azimuthal-equidistant plane coordinates around a centre. */
struct LocalPoint
{
    double distKm = 0.0;
    double x = 0.0; ///< km east along the bearing
    double y = 0.0; ///< km north along the bearing
};

LocalPoint projectAround(double lon0Deg, double lat0Deg, double lonDeg, double latDeg)
{
    const double p0 = lat0Deg * kDegToRad;
    const double p1 = latDeg * kDegToRad;
    const double dl = (lonDeg - lon0Deg) * kDegToRad;
    const double sdp = std::sin(0.5 * (p1 - p0));
    const double sdl = std::sin(0.5 * dl);
    const double h = sdp * sdp + std::cos(p0) * std::cos(p1) * sdl * sdl;
    LocalPoint q;
    q.distKm = 2.0 * kEarthRadiusKm * std::asin(std::sqrt(std::clamp(h, 0.0, 1.0)));
    const double bearing =
        std::atan2(std::sin(dl) * std::cos(p1),
                   std::cos(p0) * std::sin(p1) - std::sin(p0) * std::cos(p1) * std::cos(dl));
    q.x = q.distKm * std::sin(bearing);
    q.y = q.distKm * std::cos(bearing);
    return q;
}

void validateGeoBiasInputs(const std::vector<double>& lonDeg, const std::vector<double>& latDeg,
                           const std::vector<double>& value, std::size_t lowSize,
                           const GeoBiasOptions& o)
{
    if (lonDeg.empty())
    {
        throw InvalidArgument("geo-bias: no evaluation points");
    }
    if (latDeg.size() != lonDeg.size() || value.size() != lonDeg.size() || lowSize != lonDeg.size())
    {
        throw InvalidArgument(
            fmt::format("geo-bias: sizes differ: {} lon, {} lat, {} values, {} low flags",
                        lonDeg.size(), latDeg.size(), value.size(), lowSize));
    }
    requireFinite(lonDeg, "geo-bias lon");
    requireFinite(latDeg, "geo-bias lat");
    requireFinite(value, "geo-bias value");
    for (std::size_t i = 0; i < latDeg.size(); ++i)
    {
        if (std::abs(latDeg[i]) > 90.0)
        {
            throw InvalidArgument(
                fmt::format("geo-bias lat[{}] = {} is outside [-90, 90]", i, latDeg[i]));
        }
    }
    const double maxRadius = kPi * kEarthRadiusKm;
    if (!(o.radiusKm > 0.0 && o.radiusKm < maxRadius))
    {
        throw InvalidArgument(fmt::format(
            "geo-bias radius = {} km, expected a value in (0, {:.0f}) km", o.radiusKm, maxRadius));
    }
    if (o.k < 1)
    {
        throw InvalidArgument(fmt::format("geo-bias k = {}, expected k >= 1", o.k));
    }
    if (!(o.backgroundSpacingKm >= 0.0) || !std::isfinite(o.backgroundSpacingKm))
    {
        throw InvalidArgument(
            fmt::format("geo-bias background spacing = {} km, expected >= 0 (0 = auto)",
                        o.backgroundSpacingKm));
    }
    if (o.numCentres < 1)
    {
        throw InvalidArgument(
            fmt::format("geo-bias number of centres = {}, expected >= 1", o.numCentres));
    }
}

/** Positions (plane km) and marks of one neighbourhood: data points first, then background. */
struct Neighbourhood
{
    std::vector<double> x, y, z;
    std::size_t dataPoints = 0;
    std::size_t lowPoints = 0;
    double spacingKm = 0.0;
};

Neighbourhood buildNeighbourhood(std::size_t centre, const std::vector<double>& lonDeg,
                                 const std::vector<double>& latDeg,
                                 const std::vector<double>& value, const std::vector<bool>& low,
                                 const GeoBiasOptions& o)
{
    Neighbourhood nb;
    for (std::size_t i = 0; i < lonDeg.size(); ++i)
    {
        const LocalPoint q = projectAround(lonDeg[centre], latDeg[centre], lonDeg[i], latDeg[i]);
        if (q.distKm <= o.radiusKm)
        {
            nb.x.push_back(q.x);
            nb.y.push_back(q.y);
            nb.z.push_back(o.marked ? value[i] : (low[i] ? 1.0 : 0.0));
            nb.lowPoints += low[i] ? 1 : 0;
        }
    }
    nb.dataPoints = nb.x.size();
    const double r = o.radiusKm;
    nb.spacingKm = o.backgroundSpacingKm > 0.0
                       ? o.backgroundSpacingKm
                       : r * std::sqrt(kPi / static_cast<double>(nb.dataPoints));
    const double expected = kPi * (r / nb.spacingKm) * (r / nb.spacingKm);
    if (expected > kMaxBackgroundPoints)
    {
        throw InvalidArgument(fmt::format(
            "geo-bias: a background spacing of {} km in a {} km radius gives about {:.0f} "
            "background points per neighbourhood (at most {:.0f}); use a larger spacing",
            nb.spacingKm, r, expected, kMaxBackgroundPoints));
    }
    // Square grid offset by half a spacing, so no background point sits on the centre.
    const long half = static_cast<long>(std::ceil(r / nb.spacingKm));
    for (long gy = -half; gy < half; ++gy)
    {
        for (long gx = -half; gx < half; ++gx)
        {
            const double bx = (static_cast<double>(gx) + 0.5) * nb.spacingKm;
            const double by = (static_cast<double>(gy) + 0.5) * nb.spacingKm;
            if (bx * bx + by * by <= r * r)
            {
                nb.x.push_back(bx);
                nb.y.push_back(by);
                nb.z.push_back(0.0);
            }
        }
    }
    return nb;
}

/** The first min(count, low points) of a seeded Fisher-Yates shuffle of the low points. */
std::vector<std::size_t> sampleCentres(const std::vector<bool>& low, std::size_t count,
                                       std::uint64_t seed)
{
    std::vector<std::size_t> lowIndex;
    for (std::size_t i = 0; i < low.size(); ++i)
    {
        if (low[i])
        {
            lowIndex.push_back(i);
        }
    }
    const std::size_t take = std::min(count, lowIndex.size());
    std::mt19937_64 rng(splitMix64(seed));
    for (std::size_t i = 0; i < take; ++i)
    {
        std::swap(lowIndex[i], lowIndex[i + uniformIndex(rng, lowIndex.size() - i)]);
    }
    lowIndex.resize(take);
    return lowIndex;
}

} // namespace

GeoBiasResult geoBiasScore(const std::vector<double>& lonDeg, const std::vector<double>& latDeg,
                           const std::vector<double>& value, const std::vector<bool>& low,
                           const GeoBiasOptions& options, const ProgressSink& progress)
{
    validateGeoBiasInputs(lonDeg, latDeg, value, low.size(), options);
    GeoBiasResult res;
    res.options = options;
    res.points = lonDeg.size();
    res.lowPerformancePoints = static_cast<std::size_t>(std::count(low.begin(), low.end(), true));
    const auto centres =
        sampleCentres(low, static_cast<std::size_t>(options.numCentres), options.seed);
    res.centresSampled = centres.size();
    const std::size_t minPositions =
        std::max<std::size_t>(static_cast<std::size_t>(options.k) + 2, 4);
    double sumBase = 0.0;
    double sumRelative = 0.0;
    for (std::size_t c = 0; c < centres.size(); ++c)
    {
        reportProgress(progress, static_cast<double>(c) / static_cast<double>(centres.size()),
                       "geo-bias neighbourhoods");
        Neighbourhood nb = buildNeighbourhood(centres[c], lonDeg, latDeg, value, low, options);
        if (nb.z.size() < minPositions)
        {
            ++res.skippedTooFewPoints;
            continue;
        }
        const NeighbourLists w = knnNeighbours(nb.x, nb.y, options.k);
        GeoBiasCentre out;
        out.actual = spatialSelfInformation(nb.z, w);
        if (!out.actual.defined)
        {
            ++res.skippedNoVariance;
            continue;
        }
        // The same marks at random positions: an independent stream per centre.
        std::mt19937_64 rng(splitMix64(splitMix64(options.seed) + 1 + c));
        const std::size_t shuffled = options.randomAmongDataOnly ? nb.dataPoints : nb.z.size();
        for (std::size_t i = shuffled - 1; i > 0; --i)
        {
            std::swap(nb.z[i], nb.z[uniformIndex(rng, i + 1)]);
        }
        out.random = spatialSelfInformation(nb.z, w);
        out.pointIndex = centres[c];
        out.dataPoints = nb.dataPoints;
        out.lowPoints = nb.lowPoints;
        out.backgroundPoints = nb.z.size() - nb.dataPoints;
        out.backgroundSpacingKm = nb.spacingKm;
        sumBase += out.actual.ssi;
        sumRelative += out.actual.ssi - out.random.ssi;
        res.centres.push_back(out);
    }
    reportProgress(progress, 1.0, "geo-bias neighbourhoods");
    res.centresUsed = res.centres.size();
    const auto used = static_cast<double>(res.centresUsed);
    res.baseScore = res.centresUsed > 0 ? sumBase / used : std::nan("");
    res.relativeScore = res.centresUsed > 0 ? sumRelative / used : std::nan("");
    return res;
}

GeoBiasResult geoBiasScore(const std::vector<double>& lonDeg, const std::vector<double>& latDeg,
                           const std::vector<double>& value, double lowBelow,
                           const GeoBiasOptions& options, const ProgressSink& progress)
{
    if (!std::isfinite(lowBelow))
    {
        throw InvalidArgument(
            fmt::format("geo-bias low-performance threshold = {} is not finite", lowBelow));
    }
    std::vector<bool> low(value.size());
    for (std::size_t i = 0; i < value.size(); ++i)
    {
        low[i] = value[i] < lowBelow;
    }
    return geoBiasScore(lonDeg, latDeg, value, low, options, progress);
}

} // namespace geoinr::core
