// SPDX-License-Identifier: MIT
#include "csv_parser.h"
#include "site_predictions.h"

#include <geoinr/core/error.h>
#include <geoinr/core/metrics.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/sdm_metrics.h>
#include <geoinr/rasters/cross_validation.h>
#include <geoinr/rasters/presence_only_evaluation.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace geoinr::rasters
{
namespace
{

namespace fs = std::filesystem;

constexpr const char* kFoldForms = "expected random:K, blocks:SIZE_DEG[:K] or column:NAME";

int parseFoldCount(const std::string& text, const std::string& spec)
{
    std::size_t used = 0;
    int k = 0;
    try
    {
        k = std::stoi(text, &used);
    }
    catch (const std::exception&)
    {
        used = 0;
    }
    if (used != text.size() || text.empty())
    {
        throw InvalidArgument(fmt::format("--folds {}: '{}' is not a whole number of folds; {}",
                                          spec, text, kFoldForms));
    }
    if (k < 2)
    {
        throw InvalidArgument(
            fmt::format("--folds {}: {} fold(s); cross-validation needs at least 2", spec, k));
    }
    return k;
}

/** The records of `table` where keep(fold) is true, as a new table (species list unchanged). */
OccurrenceTable subset(const OccurrenceTable& table, const std::vector<int>& fold, int k, bool held)
{
    OccurrenceTable out = table;
    std::vector<bool> keep(fold.size());
    for (std::size_t i = 0; i < fold.size(); ++i)
    {
        keep[i] = (fold[i] == k) == held;
    }
    filterRows(out, keep);
    return out;
}

/**
 * Writes `table` as a WGS84 CSV that prepareTrainingInputs reads back exactly: species (unless
 * `withSpecies` is false), lon, lat, then the raw covariate columns (17 significant digits, empty
 * = missing).
 */
void writeTableCsv(const OccurrenceTable& table, const std::string& path, bool withSpecies)
{
    std::ofstream out(path);
    if (withSpecies)
    {
        out << "species,";
    }
    out << "lon,lat";
    for (const auto& c : table.covariateNames)
    {
        out << ',' << detail::csvField(c);
    }
    out << '\n';
    const auto width = table.covariateNames.size();
    for (std::size_t i = 0; i < table.size(); ++i)
    {
        if (withSpecies)
        {
            out << detail::csvField(
                       table.speciesNames[static_cast<std::size_t>(table.speciesIndex[i])])
                << ',';
        }
        out << fmt::format("{:.17g},{:.17g}", table.lon[i], table.lat[i]);
        for (std::size_t j = 0; j < width; ++j)
        {
            const double v = table.covariates[i * width + j];
            out << ',' << (std::isfinite(v) ? fmt::format("{:.17g}", v) : std::string());
        }
        out << '\n';
    }
    out.close();
    if (!out)
    {
        throw IoError(fmt::format("{}: cannot write the cross-validation fold file", path));
    }
}

/** A folder for the fold files, removed with everything in it unless it is the user's. */
class WorkFolder
{
  public:
    explicit WorkFolder(const std::string& keep)
    {
        static std::atomic<int> counter{0};
        m_owned = keep.empty();
        m_path = m_owned ? fs::temp_directory_path() /
                               fmt::format("geoinr_cv_{}_{}", ::getpid(), counter++)
                         : fs::path(keep);
        std::error_code ec;
        fs::create_directories(m_path, ec);
        if (ec || !fs::is_directory(m_path))
        {
            throw IoError(fmt::format("{}: cannot create the folder for the fold checkpoints ({})",
                                      m_path.string(), ec.message()));
        }
    }
    ~WorkFolder()
    {
        std::error_code ec;
        if (m_owned)
        {
            fs::remove_all(m_path, ec);
        }
        else
        {
            // The user asked for the checkpoints; the fold CSVs are ours.
            for (const auto* name : {"train_fold.csv", "background.csv"})
            {
                fs::remove(m_path / name, ec);
            }
        }
    }
    WorkFolder(const WorkFolder&) = delete;
    WorkFolder& operator=(const WorkFolder&) = delete;
    std::string file(const std::string& name) const { return (m_path / name).string(); }

  private:
    fs::path m_path;
    bool m_owned = true;
};

/** Sample standard deviation (n - 1) of the finite values; NaN below two. */
double sampleSd(const std::vector<double>& values)
{
    std::size_t n = 0;
    const double mean = core::meanOfDefined(values, &n);
    if (n < 2)
    {
        return NAN;
    }
    double ss = 0.0;
    for (const double v : values)
    {
        if (std::isfinite(v))
        {
            ss += (v - mean) * (v - mean);
        }
    }
    return std::sqrt(ss / static_cast<double>(n - 1));
}

nlohmann::json orNull(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

double numberOrNan(const nlohmann::json& v)
{
    return v.is_number() ? v.get<double>() : NAN;
}

/** The presence records, thinned, with the fold column split off the covariates. */
struct Records
{
    OccurrenceTable table;
    std::vector<double> foldColumn;
    std::size_t thinned = 0;
};

Records readRecords(const CrossValidationOptions& o, const FoldSpec& spec)
{
    auto read = o.inputs.occurrenceOptions;
    read.covariateColumns = o.inputs.tableCovariates;
    if (spec.kind == FoldSpec::Kind::Column)
    {
        read.covariateColumns.push_back(spec.column);
    }
    Records r;
    r.table = readOccurrences(o.inputs.occurrences, read);
    if (o.inputs.thinCellDeg > 0.0)
    {
        r.thinned = thinPerCell(r.table, o.inputs.thinCellDeg);
    }
    if (spec.kind == FoldSpec::Kind::Column)
    {
        auto& t = r.table;
        const auto width = t.covariateNames.size();
        std::vector<double> kept;
        kept.reserve(t.size() * (width - 1));
        for (std::size_t i = 0; i < t.size(); ++i)
        {
            r.foldColumn.push_back(t.covariates[i * width + width - 1]);
            kept.insert(kept.end(), t.covariates.begin() + static_cast<std::ptrdiff_t>(i * width),
                        t.covariates.begin() + static_cast<std::ptrdiff_t>(i * width + width - 1));
        }
        t.covariates = std::move(kept);
        t.covariateNames.pop_back();
    }
    return r;
}

/** Presence-absence site scores of one fold model (species of the model with a column). */
nlohmann::json scoreSites(const core::Predictor& predictor, const OccurrenceTable& sites,
                          std::size_t numTableColumns, const std::vector<double>& maxTss)
{
    const auto& species = predictor.speciesNames();
    const auto predicted = detail::predictAtSites(predictor, sites);
    const auto width = sites.covariateNames.size();
    std::vector<double> aucs, aps, tss, kappas;
    nlohmann::json rows = nlohmann::json::array();
    std::size_t skipped = 0;
    for (std::size_t s = 0; s < species.size(); ++s)
    {
        const auto it =
            std::find(sites.covariateNames.begin() + static_cast<std::ptrdiff_t>(numTableColumns),
                      sites.covariateNames.end(), species[s]);
        const auto col = static_cast<std::size_t>(it - sites.covariateNames.begin());
        std::vector<std::uint8_t> labels;
        std::vector<double> scores;
        for (std::size_t i = 0; i < sites.size() && it != sites.covariateNames.end(); ++i)
        {
            const double v = sites.covariates[i * width + col];
            if (std::isfinite(v) && predicted.usable[i] != 0)
            {
                labels.push_back(v != 0.0 ? 1 : 0);
                scores.push_back(1.0 / (1.0 + std::exp(-static_cast<double>(
                                                  predicted.logits[i * species.size() + s]))));
            }
        }
        const double auc = labels.empty() ? NAN : core::rocAuc(labels, scores);
        if (!std::isfinite(auc))
        {
            ++skipped; // one class at its sites, or no column
            continue;
        }
        const double threshold = maxTss[s];
        const auto counts = std::isnan(threshold) ? core::ConfusionCounts{}
                                                  : core::confusionAt(labels, scores, threshold);
        const double t = std::isnan(threshold) ? NAN : core::trueSkillStatistic(counts);
        const double kappa = std::isnan(threshold) ? NAN : core::cohensKappa(counts);
        aucs.push_back(auc);
        aps.push_back(core::averagePrecision(labels, scores));
        tss.push_back(t);
        kappas.push_back(kappa);
        rows.push_back({{"species", species[s]},
                        {"sites", labels.size()},
                        {"presences", std::count(labels.begin(), labels.end(), 1)},
                        {"auc", auc},
                        {"ap", aps.back()},
                        {"threshold", orNull(threshold)},
                        {"tss", orNull(t)},
                        {"kappa", orNull(kappa)}});
    }
    return {{"species_evaluated", aucs.size()},
            {"species_skipped", skipped},
            {"mean_auc", orNull(core::meanOfDefined(aucs))},
            {"mean_ap", orNull(core::meanOfDefined(aps))},
            {"mean_tss", orNull(core::meanOfDefined(tss))},
            {"mean_kappa", orNull(core::meanOfDefined(kappas))},
            {"per_species", rows}};
}

/** Fold progress: fold f of k covers [f/k, (f+1)/k); messages say which fold. */
core::ProgressSink foldProgress(const core::ProgressSink& sink, std::size_t f, std::size_t k,
                                double from, double to)
{
    if (!sink)
    {
        return {};
    }
    return [sink, f, k, from, to](double fraction, const std::string& message)
    {
        const double inFold = from + (to - from) * std::clamp(fraction, 0.0, 1.0);
        return sink((static_cast<double>(f) + inFold) / static_cast<double>(k),
                    fmt::format("fold {}/{}: {}", f + 1, k, message));
    };
}

} // namespace

FoldSpec parseFoldSpec(const std::string& text)
{
    FoldSpec spec;
    spec.text = text;
    const auto colon = text.find(':');
    const auto kind = text.substr(0, colon);
    const auto rest = colon == std::string::npos ? std::string() : text.substr(colon + 1);
    if (kind == "random" && !rest.empty())
    {
        spec.kind = FoldSpec::Kind::Random;
        spec.k = parseFoldCount(rest, text);
        return spec;
    }
    if (kind == "column" && !rest.empty())
    {
        spec.kind = FoldSpec::Kind::Column;
        spec.column = rest;
        return spec;
    }
    if (kind == "blocks" && !rest.empty())
    {
        spec.kind = FoldSpec::Kind::Blocks;
        const auto colon2 = rest.find(':');
        const auto size = rest.substr(0, colon2);
        std::size_t used = 0;
        try
        {
            spec.blockSizeDeg = std::stod(size, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        if (used != size.size() || size.empty() || !std::isfinite(spec.blockSizeDeg) ||
            spec.blockSizeDeg <= 0.0)
        {
            throw InvalidArgument(
                fmt::format("--folds {}: block size '{}' is not a positive number of degrees; {}",
                            text, size, kFoldForms));
        }
        if (colon2 != std::string::npos)
        {
            spec.k = parseFoldCount(rest.substr(colon2 + 1), text);
        }
        return spec;
    }
    throw InvalidArgument(fmt::format("--folds '{}': {}", text, kFoldForms));
}

FoldAssignment assignFolds(const FoldSpec& spec, const OccurrenceTable& records,
                           const std::vector<double>& columnValues, std::uint64_t seed,
                           const std::string& source)
{
    FoldAssignment out;
    const auto n = records.size();
    if (spec.kind == FoldSpec::Kind::Column)
    {
        if (columnValues.size() != n)
        {
            throw InvalidArgument(
                fmt::format("{}: {} fold values for {} records", source, columnValues.size(), n));
        }
        std::vector<double> levels;
        for (std::size_t i = 0; i < n; ++i)
        {
            if (!std::isfinite(columnValues[i]))
            {
                throw InvalidArgument(fmt::format(
                    "{}: fold column '{}' is empty for record {} (species '{}', lon {}, lat {}); "
                    "every record needs a fold id",
                    source, spec.column, i + 1,
                    records.speciesNames[static_cast<std::size_t>(records.speciesIndex[i])],
                    records.lon[i], records.lat[i]));
            }
            levels.push_back(columnValues[i]);
        }
        std::sort(levels.begin(), levels.end());
        levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
        if (levels.size() < 2)
        {
            throw InvalidArgument(fmt::format(
                "{}: fold column '{}' holds {} distinct fold id(s); cross-validation needs at "
                "least 2",
                source, spec.column, levels.size()));
        }
        for (const double v : columnValues)
        {
            out.fold.push_back(static_cast<int>(std::lower_bound(levels.begin(), levels.end(), v) -
                                                levels.begin()));
        }
        for (const double v : levels)
        {
            out.labels.push_back(levelName(v));
        }
        return out;
    }
    try
    {
        out.fold = spec.kind == FoldSpec::Kind::Random
                       ? core::randomKFolds(n, spec.k, seed)
                       : core::spatialBlockFolds(records.lon, records.lat, spec.blockSizeDeg,
                                                 spec.k, seed);
    }
    catch (const InvalidArgument& e)
    {
        throw InvalidArgument(
            fmt::format("--folds {} on {} ({} records): {}", spec.text, source, n, e.what()));
    }
    for (int f = 0; f < spec.k; ++f)
    {
        out.labels.push_back(std::to_string(f + 1));
    }
    return out;
}

nlohmann::json crossValidate(const CrossValidationOptions& o, const core::ProgressSink& progress)
{
    const auto started = std::chrono::steady_clock::now();
    const auto spec = parseFoldSpec(o.folds);
    if (!o.train.resumeFrom.empty())
    {
        throw InvalidArgument("--resume: cross-validation trains each fold from scratch");
    }
    core::reportProgress(progress, 0.0, "reading occurrences");
    const auto& source = o.inputs.occurrences;
    auto records = readRecords(o, spec);
    const auto folds = assignFolds(spec, records.table, records.foldColumn, o.train.seed, source);
    const auto k = folds.labels.size();
    std::vector<std::size_t> foldSizes(k, 0);
    for (const int f : folds.fold)
    {
        ++foldSizes[static_cast<std::size_t>(f)];
    }

    WorkFolder work(o.keepCheckpoints);
    // Background points in WGS84 with their raw covariates: for training (rewritten so that the
    // fold files and it are read with the same column options) and for scoring.
    OccurrenceTable background;
    const bool backgroundFile = !o.inputs.backgroundFile.empty();
    if (backgroundFile)
    {
        auto read = o.inputs.occurrenceOptions;
        read.covariateColumns = o.inputs.tableCovariates;
        read.singleSpecies = "background";
        read.speciesColumn.clear();
        background = readOccurrences(o.inputs.backgroundFile, read);
        writeTableCsv(background, work.file("background.csv"), false);
    }
    OccurrenceTable sites;
    if (!o.sites.empty())
    {
        OccurrenceOptions read;
        read.singleSpecies = "site";
        read.covariateColumns = o.inputs.tableCovariates;
        read.covariateColumns.insert(read.covariateColumns.end(),
                                     records.table.speciesNames.begin(),
                                     records.table.speciesNames.end());
        sites = readOccurrencesCsv(o.sites, read);
    }

    nlohmann::json perFold = nlohmann::json::array();
    std::map<std::string, std::vector<double>> series; // metric -> value per fold
    for (std::size_t f = 0; f < k; ++f)
    {
        const auto foldStart = std::chrono::steady_clock::now();
        const int fi = static_cast<int>(f);
        const auto train = subset(records.table, folds.fold, fi, false);
        const auto test = subset(records.table, folds.fold, fi, true);

        core::reportProgress(foldProgress(progress, f, k, 0.0, 1.0), 0.0, "preparing inputs");
        auto inputs = o.inputs;
        inputs.occurrences = work.file("train_fold.csv");
        inputs.occurrenceOptions = OccurrenceOptions{};
        inputs.occurrenceOptions.speciesColumn = "species";
        inputs.occurrenceOptions.lonColumn = "lon";
        inputs.occurrenceOptions.latColumn = "lat";
        inputs.occurrenceOptions.delimiter = ',';
        inputs.thinCellDeg = 0.0; // thinned once, before the split
        inputs.backgroundFile = backgroundFile ? work.file("background.csv") : std::string();
        inputs.shardIndex = 0;
        inputs.shardCount = 1;
        writeTableCsv(train, inputs.occurrences, true);
        const auto prepared = prepareTrainingInputs(inputs);

        auto t = o.train;
        t.checkpointPath = work.file(fmt::format("fold_{}.ckpt", f + 1));
        t.resumeFrom.clear();
        t.distributed = core::DistributedOptions{};
        t.metadata = {{"covariates", prepared.covariates},
                      {"data", prepared.summary},
                      {"cross_validation", {{"folds", o.folds}, {"fold", f + 1}}}};
        const auto report = core::trainRangeModel(
            prepared.data, t, prepared.background.size() > 0 ? &prepared.background : nullptr,
            prepared.grid.channels > 0 ? &prepared.grid : nullptr,
            foldProgress(progress, f, k, 0.05, 0.9));
        if (report.cancelled)
        {
            throw Cancelled(
                fmt::format("cross-validation cancelled while training fold {}/{}", f + 1, k));
        }

        core::reportProgress(foldProgress(progress, f, k, 0.0, 1.0), 0.9, "scoring");
        const auto predictor = core::Predictor::load(t.checkpointPath);
        if (!backgroundFile && background.size() == 0)
        {
            // Drawn once, from the first fold's covariates: the same points for every fold.
            const auto box = o.train.pseudoAbsenceExtent.size() == 4
                                 ? std::vector<double>{o.train.pseudoAbsenceExtent[0],
                                                       o.train.pseudoAbsenceExtent[1],
                                                       o.train.pseudoAbsenceExtent[2],
                                                       o.train.pseudoAbsenceExtent[3]}
                                 : lonLatBox({&records.table});
            background = randomBackgroundPoints(detail::checkpointCovariates(*predictor),
                                                o.backgroundPoints, o.train.seed, box);
        }
        const auto scores = scorePresenceOnly(*predictor, test, &train, background);
        auto row = scores.toJson();
        const std::size_t usableTest =
            test.size() - scores.testRecordsWithoutCovariates - scores.testRecordsUnknownSpecies;
        if (test.size() - scores.testRecordsWithoutCovariates == 0)
        {
            throw InvalidArgument(fmt::format(
                "{}: fold {} ({} of --folds {}) has no held-out presence with covariates", source,
                f + 1, folds.labels[f], o.folds));
        }
        row.erase("protocol");
        row["fold"] = f + 1;
        row["label"] = folds.labels[f];
        row["train_records"] = train.size();
        row["train_records_used"] = prepared.data.size();
        row["test_records_scored"] = usableTest;
        row["train_seconds"] = report.seconds;
        row["final_loss"] = report.finalLoss;
        for (const auto* m : {"mean_boyce", "mean_auc", "mean_or_mtp", "mean_or_10p"})
        {
            series[m].push_back(numberOrNan(row.at(m)));
        }
        if (!o.sites.empty())
        {
            row["sites"] = scoreSites(*predictor, sites, o.inputs.tableCovariates.size(),
                                      scores.maxTssThresholds);
            for (const auto* m : {"mean_auc", "mean_ap", "mean_tss", "mean_kappa"})
            {
                series[std::string("sites_") + m].push_back(numberOrNan(row["sites"].at(m)));
            }
        }
        row["seconds"] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - foldStart).count();
        perFold.push_back(row);
        core::reportProgress(foldProgress(progress, f, k, 0.0, 1.0), 1.0, "done");
    }

    nlohmann::json summary = nlohmann::json::object();
    for (const auto& [metric, values] : series)
    {
        std::size_t defined = 0;
        const double mean = core::meanOfDefined(values, &defined);
        summary[metric] = {
            {"mean", orNull(mean)}, {"sd", orNull(sampleSd(values))}, {"folds", defined}};
    }
    nlohmann::json result = {
        {"protocol",
         "k-fold cross-validation (ENMeval-style): per fold, a model trained on the other folds; "
         "held-out presences vs background points: continuous Boyce index, ROC-AUC, omission at "
         "the training folds' minimum training presence and 10th percentile thresholds; "
         "per-fold values are means over species; summary = mean and sample sd over folds"},
        {"occurrences", source},
        {"folds_spec", o.folds},
        {"folds", k},
        {"fold_labels", folds.labels},
        {"fold_sizes", foldSizes},
        {"seed", o.train.seed},
        {"records", records.table.size()},
        {"records_thinned", records.thinned},
        {"records_skipped_invalid", records.table.skippedRows},
        {"species", records.table.speciesNames.size()},
        {"background", background.source},
        {"background_points", background.size()},
        {"summary", summary},
        {"per_fold", perFold}};
    if (!o.sites.empty())
    {
        result["sites"] = o.sites;
        result["sites_protocol"] =
            "per species on its surveyed sites: ROC-AUC and AP of probabilities; TSS and Cohen's "
            "kappa at the threshold maximising TSS of the training folds' presences against the "
            "background points (chosen without the sites)";
    }
    if (!o.keepCheckpoints.empty())
    {
        result["checkpoints"] = o.keepCheckpoints;
    }
    result["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace geoinr::rasters
