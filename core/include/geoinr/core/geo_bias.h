// SPDX-License-Identifier: MIT
// Geo-bias score (TorchSpatial; Wang et al. COSIT 2024; science.md §5.10), torch-free: spatial
// self-information (SSI) of marked points and its base / relative neighbourhood scores.
//
// Reproduced numbers are APPROXIMATE. The seed paper's toolkit (PyGBS) holds the details that the
// reference lacks; GeoINR follows science.md §5.10 and documents where it chose:
//  - W is the directed binary k-NN matrix (w_ij = 1 when j is one of the k nearest other points
//    of i), NOT symmetrised, as the toolkit's construct_weight_matrix builds it (a k+1 BallTree
//    query with self removed). Ties in distance go to the lower index.
//  - The null moments of I_u are the exact randomisation (permutation) moments of Moran's I
//    (Cliff & Ord 1981, valid for asymmetric W) scaled by S0 * m2. The toolkit's
//    AnalyticalSurprisal uses its own join-count style approximation for rook lattices instead.
//  - Neighbourhood points are projected to an azimuthal-equidistant plane around the centre (the
//    toolkit uses haversine k-NN on the sphere; the two agree closely for radii of a few hundred
//    km). Background points lie on a square grid offset by half a spacing (the toolkit uses
//    concentric rings), so no background point sits on the centre.
//  - The toolkit's neighbourhood sampler also caps a neighbourhood at its 100 nearest points;
//    GeoINR takes every point within the radius.
//  - The relative score's random configuration shuffles the marks over all positions (data and
//    background) by default; GeoBiasOptions::randomAmongDataOnly shuffles over data points only.
#pragma once

#include <geoinr/core/progress.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace geoinr::core
{

/** Mean Earth radius (IUGG R1), km, for haversine distances. */
constexpr double kEarthRadiusKm = 6371.0088;

/** A binary weight matrix as neighbour lists: row i holds the j with w_ij = 1 (no i, no repeats).
 */
using NeighbourLists = std::vector<std::vector<std::size_t>>;

/**
 * Directed k-nearest-neighbour lists of planar points (x, y in any one unit): row i holds the k
 * nearest other points of i by Euclidean distance, nearest first, ties to the lower index.
 * Throws InvalidArgument when the sizes differ, a coordinate is not finite, k < 1 or there are
 * fewer than k + 1 points.
 */
NeighbourLists knnNeighbours(const std::vector<double>& x, const std::vector<double>& y, int k);

/** The SSI of one marked pattern and the null distribution it is measured against. */
struct SsiResult
{
    double iu = 0.0;      ///< I_u = (z - z̄)ᵀ W (z - z̄), the Moran's-I numerator
    double mean = 0.0;    ///< E[I_u] over all permutations of z (randomisation null)
    double std = 0.0;     ///< sqrt(Var[I_u]) over all permutations of z
    double ssi = 0.0;     ///< -log(pdf_N(I_u; mean, std) + 1e-256); NaN when not defined()
    bool defined = false; ///< false when z is constant or std is 0 (no null distribution)
};

/**
 * Spatial self-information of marks `z` under weights `w` (science.md §5.10 steps 4-6): I_u and
 * the analytic randomisation moments of Cliff & Ord (E[I] = -1/(n-1) and their E[I²] with the
 * kurtosis b2 = m4/m2²) scaled by S0·m2, where m_p = Σ(z - z̄)^p / n and S0 = Σ w_ij.
 * Throws InvalidArgument when sizes differ, n < 4, a mark is not finite, or a row of `w` holds an
 * index out of range, its own index or a repeat.
 */
SsiResult spatialSelfInformation(const std::vector<double>& z, const NeighbourLists& w);

/** SSI of marks at planar points with the k-NN weights of knnNeighbours(x, y, k). */
SsiResult spatialSelfInformation(const std::vector<double>& x, const std::vector<double>& y,
                                 const std::vector<double>& z, int k);

/** Parameters of the neighbourhood geo-bias score. The seed gives no values; these are GeoINR's. */
struct GeoBiasOptions
{
    /** Neighbourhood radius around each centre, km (haversine). Choose it so that a
     *  neighbourhood holds tens to hundreds of evaluation points. */
    double radiusKm = 500.0;
    /** Neighbours per point in W; 4 = "rook" (science.md §5.10). */
    int k = 4;
    /** Spacing of the background ("non-presence") grid, km. 0 = auto: r·sqrt(π / m) for m
     *  evaluation points in the neighbourhood, about one background point per evaluation point
     *  (the toolkit's density "auto" = ceil(m / (π r²)) points per unit area). */
    double backgroundSpacingKm = 0.0;
    /** At most this many low-performance points are sampled (without replacement) as centres. */
    int numCentres = 100;
    /** Seeds the centre sample and each centre's random placement (std::mt19937_64 streams). */
    std::uint64_t seed = 0;
    /** false: marks 1 for low-performance points, 0 for the others and background (unmarked).
     *  true: marks = the performance value, 0 for background (a value of 0 then looks like
     *  background, as in the toolkit). */
    bool marked = false;
    /** Where the relative score's random configuration puts the marks. false (science.md
     *  §5.10, the default): shuffled over every position, evaluation and background points. Then
     *  evaluation points that are less regular than the background grid (clustered sampling)
     *  raise both scores even for failures at random, because the marks separate evaluation
     *  points from background. true: shuffled over the evaluation points only (background stays
     *  0), so the relative score measures failures against the sampling pattern. */
    bool randomAmongDataOnly = false;
};

/** One scored neighbourhood. */
struct GeoBiasCentre
{
    std::size_t pointIndex = 0;       ///< index of the centre in the input
    std::size_t dataPoints = 0;       ///< evaluation points within the radius (centre included)
    std::size_t lowPoints = 0;        ///< of which low-performance
    std::size_t backgroundPoints = 0; ///< background grid points added
    double backgroundSpacingKm = 0.0; ///< spacing used (resolved when auto)
    SsiResult actual;                 ///< the observed pattern
    SsiResult random;                 ///< the same marks placed at random over the positions
};

/** Base and relative geo-bias scores with everything needed to report them. */
struct GeoBiasResult
{
    GeoBiasOptions options;               ///< the parameters used
    std::size_t points = 0;               ///< evaluation points
    std::size_t lowPerformancePoints = 0; ///< of which low-performance
    std::size_t centresSampled = 0;       ///< min(numCentres, lowPerformancePoints)
    std::size_t centresUsed = 0;          ///< neighbourhoods scored
    std::size_t skippedTooFewPoints = 0;  ///< fewer than max(k + 2, 4) positions
    std::size_t skippedNoVariance = 0;    ///< constant marks or zero null variance
    double baseScore = 0.0;               ///< mean SSI(actual) over used centres; NaN when none
    double relativeScore = 0.0;           ///< mean SSI(actual) - SSI(random); NaN when none
    std::vector<GeoBiasCentre> centres;   ///< the used centres, in sampling order
};

/**
 * Geo-bias score of a model's performance at evaluation points (science.md §5.10).
 *
 * `lonDeg`, `latDeg`: point locations in degrees; `value`: the performance per point (e.g. 1 when
 * the top-1 prediction is right, else 0); `low`: which points are low-performance. For each
 * sampled low-performance centre: every point within radiusKm is projected (azimuthal
 * equidistant), background points are added, marks are set (see GeoBiasOptions::marked) and
 * SSI(actual) is computed; SSI(random) uses the same marks shuffled over the same positions.
 * base = mean SSI(actual); relative = mean (SSI(actual) - SSI(random)). Higher = more biased.
 * Reproducible for a given seed on every platform (no std distributions).
 *
 * Throws InvalidArgument for no points, sizes that differ, a non-finite value or coordinate, a
 * latitude outside [-90, 90], k < 1, radiusKm not in (0, π R), backgroundSpacingKm < 0,
 * numCentres < 1, or a background grid over 2,000,000 points. Reports progress per centre;
 * throws Cancelled when `progress` returns false. No low-performance point gives NaN scores.
 */
GeoBiasResult geoBiasScore(const std::vector<double>& lonDeg, const std::vector<double>& latDeg,
                           const std::vector<double>& value, const std::vector<bool>& low,
                           const GeoBiasOptions& options, const ProgressSink& progress = {});

/** Same, with low-performance = value < lowBelow. */
GeoBiasResult geoBiasScore(const std::vector<double>& lonDeg, const std::vector<double>& latDeg,
                           const std::vector<double>& value, double lowBelow,
                           const GeoBiasOptions& options, const ProgressSink& progress = {});

} // namespace geoinr::core
