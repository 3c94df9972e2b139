// SPDX-License-Identifier: MIT
#include "site_predictions.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/core/sdm_metrics.h>
#include <geoinr/rasters/covariates.h>
#include <geoinr/rasters/presence_absence_evaluation.h>
#include <geoinr/rasters/presence_only_evaluation.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace geoinr::rasters
{
namespace
{

constexpr double kPi = 3.14159265358979323846;

/** Probability of a logit in double precision, so that large logits keep distinct scores. */
double probability(float logit)
{
    return 1.0 / (1.0 + std::exp(-static_cast<double>(logit)));
}

/** U[0, 1) from the top 53 bits: the same numbers with every standard library. */
double uniform01(std::mt19937_64& rng)
{
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

nlohmann::json orNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

/** Per model species, the probabilities at the usable records of that species (by name). */
struct ScoresBySpecies
{
    std::vector<std::vector<double>> scores;    ///< [model species][records]
    std::vector<std::vector<std::size_t>> rows; ///< [model species][records]: row in the table
    std::size_t unknownSpecies = 0;
    std::size_t withoutCovariates = 0;
};

ScoresBySpecies scoreRecords(const core::Predictor& predictor, const OccurrenceTable& records)
{
    const auto& species = predictor.speciesNames();
    ScoresBySpecies out;
    out.scores.resize(species.size());
    out.rows.resize(species.size());
    if (records.size() == 0)
    {
        return out;
    }
    std::map<std::string, std::size_t> index;
    for (std::size_t s = 0; s < species.size(); ++s)
    {
        index[species[s]] = s;
    }
    const auto predicted = detail::predictAtSites(predictor, records);
    for (std::size_t i = 0; i < records.size(); ++i)
    {
        const auto& name = records.speciesNames[static_cast<std::size_t>(records.speciesIndex[i])];
        const auto it = index.find(name);
        if (it == index.end())
        {
            ++out.unknownSpecies;
        }
        else if (predicted.usable[i] == 0)
        {
            ++out.withoutCovariates;
        }
        else
        {
            out.scores[it->second].push_back(
                probability(predicted.logits[i * species.size() + it->second]));
            out.rows[it->second].push_back(i);
        }
    }
    return out;
}

std::vector<double> concatenate(const std::vector<double>& a, const std::vector<double>& b)
{
    std::vector<double> out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

/** Stored threshold `rule` of species `s`, NaN when the checkpoint has none. */
double storedThreshold(const nlohmann::json& thresholds, const std::string& rule, std::size_t s)
{
    if (!thresholds.is_object() || !thresholds.contains(rule))
    {
        return NAN;
    }
    const auto& list = thresholds.at(rule);
    return s < list.size() && list[s].is_number() ? list[s].get<double>() : NAN;
}

} // namespace

PresenceOnlyScores scorePresenceOnly(const core::Predictor& predictor, const OccurrenceTable& test,
                                     const OccurrenceTable* train,
                                     const OccurrenceTable& background,
                                     const PresenceOnlySpeciesSink& onSpecies)
{
    const auto& species = predictor.speciesNames();
    const auto numSpecies = species.size();
    PresenceOnlyScores out;

    // Background: every species' probability at every usable point.
    const auto bgPredicted = detail::predictAtSites(predictor, background);
    std::vector<std::vector<double>> bg(numSpecies);
    std::vector<double> bgLon, bgLat;
    for (std::size_t i = 0; i < background.size(); ++i)
    {
        if (bgPredicted.usable[i] == 0)
        {
            ++out.backgroundWithoutCovariates;
            continue;
        }
        ++out.backgroundPoints;
        bgLon.push_back(background.lon[i]);
        bgLat.push_back(background.lat[i]);
        for (std::size_t s = 0; s < numSpecies; ++s)
        {
            bg[s].push_back(probability(bgPredicted.logits[i * numSpecies + s]));
        }
    }
    if (out.backgroundPoints == 0)
    {
        throw InvalidArgument(fmt::format("{}: none of the {} background points has the model's "
                                          "covariates",
                                          background.source, background.size()));
    }

    const auto testScores = scoreRecords(predictor, test);
    out.testRecords = test.size();
    out.testRecordsUnknownSpecies = testScores.unknownSpecies;
    out.testRecordsWithoutCovariates = testScores.withoutCovariates;
    ScoresBySpecies trainScores;
    const auto stored = predictor.header().at("metadata").value("thresholds", nlohmann::json());
    if (train != nullptr)
    {
        trainScores = scoreRecords(predictor, *train);
        out.trainRecords = train->size();
        out.thresholdSource =
            fmt::format("model scores at the training presences of {}", train->source);
    }
    else if (stored.is_object())
    {
        out.thresholdSource = "checkpoint metadata.thresholds (mtp, presence_90, max_tss: fitted "
                              "on the checkpoint's own training presences)";
    }
    else
    {
        out.thresholdSource = "none: omission rates need training presences (--train), and this "
                              "checkpoint stores no thresholds";
    }

    // Thresholds of every species: from its training presences' scores, else stored ones.
    std::vector<double> mtp(numSpecies, NAN), p10(numSpecies, NAN);
    out.maxTssThresholds.assign(numSpecies, NAN);
    for (std::size_t s = 0; s < numSpecies; ++s)
    {
        if (train == nullptr)
        {
            mtp[s] = storedThreshold(stored, "mtp", s);
            p10[s] = storedThreshold(stored, "presence_90", s);
            out.maxTssThresholds[s] = storedThreshold(stored, "max_tss", s);
            continue;
        }
        const auto& tr = trainScores.scores[s];
        if (tr.empty())
        {
            continue;
        }
        mtp[s] = core::minimumTrainingPresenceThreshold(tr);
        p10[s] = core::presenceQuantileThreshold(tr, 0.9);
        out.maxTssThresholds[s] =
            core::maxTssThreshold(core::presenceLabels(tr.size(), bg[s].size()),
                                  concatenate(tr, bg[s]))
                .threshold;
    }

    for (std::size_t s = 0; s < numSpecies; ++s)
    {
        const auto& pres = testScores.scores[s];
        if (pres.empty())
        {
            ++out.speciesWithoutTestPresences;
            continue;
        }
        SpeciesPresenceOnlyScores r;
        r.species = species[s];
        r.testPresences = pres.size();
        r.trainPresences = train != nullptr ? trainScores.scores[s].size() : 0;
        // ENMeval: ecospat.boyce(fit = c(bg.pred, occs.test.pred), obs = occs.test.pred).
        r.boyce = core::continuousBoyceIndex(pres, concatenate(bg[s], pres));
        r.auc =
            core::rocAuc(core::presenceLabels(pres.size(), bg[s].size()), concatenate(pres, bg[s]));
        r.thresholdMtp = mtp[s];
        r.threshold10p = p10[s];
        r.thresholdMaxTss = out.maxTssThresholds[s];
        r.omissionMtp = std::isnan(mtp[s]) ? NAN : core::omissionRate(pres, mtp[s]);
        r.omission10p = std::isnan(p10[s]) ? NAN : core::omissionRate(pres, p10[s]);
        out.species.push_back(r);
        if (onSpecies)
        {
            std::vector<double> lon, lat;
            for (const auto row : testScores.rows[s])
            {
                lon.push_back(test.lon[row]);
                lat.push_back(test.lat[row]);
            }
            onSpecies({out.species.back(), pres, lon, lat, bg[s], bgLon, bgLat});
        }
    }
    return out;
}

nlohmann::json PresenceOnlyScores::toJson() const
{
    nlohmann::json rows = nlohmann::json::array();
    std::vector<double> boyce, auc, orMtp, or10p;
    for (const auto& r : species)
    {
        boyce.push_back(r.boyce);
        auc.push_back(r.auc);
        orMtp.push_back(r.omissionMtp);
        or10p.push_back(r.omission10p);
        rows.push_back({{"species", r.species},
                        {"test_presences", r.testPresences},
                        {"train_presences", r.trainPresences},
                        {"boyce", orNull(r.boyce)},
                        {"auc", orNull(r.auc)},
                        {"or_mtp", orNull(r.omissionMtp)},
                        {"or_10p", orNull(r.omission10p)},
                        {"threshold_mtp", orNull(r.thresholdMtp)},
                        {"threshold_10p", orNull(r.threshold10p)},
                        {"threshold_max_tss", orNull(r.thresholdMaxTss)}});
    }
    std::size_t boyceDefined = 0;
    const double meanBoyce = core::meanOfDefined(boyce, &boyceDefined);
    return {{"protocol",
             "presence-only (ENMeval k-fold statistics): per species, continuous Boyce index "
             "(ecospat defaults, fit = background + test presences), ROC-AUC of test presences vs "
             "background, omission rates at the minimum training presence (or_mtp) and 10th "
             "percentile training presence (or_10p) thresholds; scores are probabilities"},
            {"threshold_source", thresholdSource},
            {"species_evaluated", species.size()},
            {"species_with_boyce", boyceDefined},
            {"species_without_test_presences", speciesWithoutTestPresences},
            {"test_records", testRecords},
            {"test_records_unknown_species", testRecordsUnknownSpecies},
            {"test_records_without_covariates", testRecordsWithoutCovariates},
            {"train_records", trainRecords},
            {"background_points", backgroundPoints},
            {"background_points_without_covariates", backgroundWithoutCovariates},
            {"mean_boyce", orNull(meanBoyce)},
            {"mean_auc", orNull(core::meanOfDefined(auc))},
            {"mean_or_mtp", orNull(core::meanOfDefined(orMtp))},
            {"mean_or_10p", orNull(core::meanOfDefined(or10p))},
            {"per_species", rows}};
}

std::vector<double> lonLatBox(const std::vector<const OccurrenceTable*>& tables)
{
    double west = 180.0, east = -180.0, south = 90.0, north = -90.0;
    bool any = false;
    for (const auto* t : tables)
    {
        for (std::size_t i = 0; t != nullptr && i < t->size(); ++i)
        {
            west = std::min(west, t->lon[i]);
            east = std::max(east, t->lon[i]);
            south = std::min(south, t->lat[i]);
            north = std::max(north, t->lat[i]);
            any = true;
        }
    }
    if (!any)
    {
        throw InvalidArgument("no presence record to take the extent of random background "
                              "points from");
    }
    return {west, east, south, north};
}

OccurrenceTable randomBackgroundPoints(const nlohmann::json& cov, std::size_t n, std::uint64_t seed,
                                       const std::vector<double>& box)
{
    OccurrenceTable out;
    out.source = fmt::format("{} random background points (seed {})", n, seed);
    out.speciesNames = {"background"};
    const auto kind = cov.value("kind", std::string("none"));
    if (n == 0)
    {
        throw InvalidArgument("--background-points: 0 random background points; give at least "
                              "one (10,000 is usual) or a background file");
    }
    if (kind == "table")
    {
        throw InvalidArgument(fmt::format(
            "the model was trained on table covariates ({}): random background points have no "
            "values for them; give background points with those columns (--background)",
            fmt::join(tableCovariateColumns(cov), ", ")));
    }
    if (kind == "rasters")
    {
        CovariateStack::fromDescription(cov).randomValidPoints(n, seed, out.lon, out.lat);
    }
    else
    {
        if (box.size() != 4)
        {
            throw InvalidArgument("random background points: the extent needs west, east, south, "
                                  "north");
        }
        const double west = box[0];
        const double east = box[1] >= box[0] ? box[1] : box[1] + 360.0; // across the antimeridian
        // Uniform on the sphere within the box: lon uniform, sin(lat) uniform.
        const double zSouth = std::sin(box[2] * kPi / 180.0);
        const double zNorth = std::sin(box[3] * kPi / 180.0);
        std::mt19937_64 rng(seed);
        for (std::size_t i = 0; i < n; ++i)
        {
            const double x = west + uniform01(rng) * (east - west);
            out.lon.push_back(x > 180.0 ? x - 360.0 : x);
            const double z = zSouth + uniform01(rng) * (zNorth - zSouth);
            out.lat.push_back(std::asin(std::clamp(z, -1.0, 1.0)) * 180.0 / kPi);
        }
    }
    out.speciesIndex.assign(out.lon.size(), 0);
    return out;
}

nlohmann::json evaluatePresenceOnly(const PresenceOnlyOptions& o,
                                    const core::ProgressSink& progress,
                                    const PresenceOnlySpeciesSink& onSpecies)
{
    core::reportProgress(progress, 0.0, "loading the checkpoint");
    const auto predictor = core::Predictor::load(o.checkpoint);
    const auto cov = detail::checkpointCovariates(*predictor);
    auto read = o.occurrenceOptions;
    read.covariateColumns = tableCovariateColumns(cov);

    core::reportProgress(progress, 0.1, "reading presences");
    const auto test = readOccurrences(o.presences, read);
    OccurrenceTable train;
    if (!o.train.empty())
    {
        train = readOccurrences(o.train, read);
    }
    OccurrenceTable background;
    core::reportProgress(progress, 0.3, "background points");
    if (!o.background.empty())
    {
        auto bgRead = read;
        bgRead.singleSpecies = "background";
        bgRead.speciesColumn.clear();
        background = readOccurrences(o.background, bgRead);
    }
    else
    {
        background = randomBackgroundPoints(cov, o.backgroundPoints, o.seed,
                                            lonLatBox({&test, o.train.empty() ? nullptr : &train}));
    }
    core::reportProgress(progress, 0.5, "scoring");
    auto result = scorePresenceOnly(*predictor, test, o.train.empty() ? nullptr : &train,
                                    background, onSpecies)
                      .toJson();
    core::reportProgress(progress, 1.0, "done");
    result["checkpoint"] = o.checkpoint;
    result["presences"] = o.presences;
    result["train"] = o.train.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.train);
    result["background"] = background.source;
    return result;
}

} // namespace geoinr::rasters
