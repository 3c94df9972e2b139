// SPDX-License-Identifier: MIT
#include "csv_parser.h"
#include "geo_prior_inputs.h"

#include <geoinr/core/error.h>
#include <geoinr/core/geo_prior.h>
#include <geoinr/core/predictor.h>
#include <geoinr/core/text_file.h>
#include <geoinr/rasters/gdal_init.h>
#include <geoinr/rasters/geo_prior_evaluation.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace geoinr::rasters
{
namespace
{

/** Values held per block (vision rows + logits): bounds memory whatever N and C are. */
constexpr std::int64_t kBlockValues = std::int64_t{1} << 22;
/** At most this many observations per block, so that progress and cancellation come often. */
constexpr std::int64_t kMaxBlockRows = 16384;

void requireOption(const std::string& value, const char* option)
{
    if (value.empty())
    {
        throw InvalidArgument(fmt::format("{} is required", option));
    }
}

/** The observations' inputs, checked against each other. */
struct Inputs
{
    std::unique_ptr<detail::NumericRows> probs;
    std::vector<std::int64_t> classIds; ///< [N x k] when top-k, else empty
    std::vector<std::int64_t> labels;   ///< [N]
    std::vector<float> lonLat;          ///< [N x 2]
    std::int64_t observations = 0;
    bool topK() const { return !classIds.empty(); }
};

Inputs readInputs(const GeoPriorOptions& o)
{
    Inputs in;
    in.probs = std::make_unique<detail::NumericRows>(o.probs, "--probs");
    in.observations = in.probs->rows();
    const auto n = in.observations;
    if (n == 0)
    {
        throw InvalidArgument(fmt::format("--probs {}: no observations", o.probs));
    }
    detail::NumericRows labels(o.labels, "--labels");
    if (labels.cols() != 1 || labels.rows() != n)
    {
        throw InvalidArgument(fmt::format("--labels {}: expected one label per observation ({}), "
                                          "got {} x {} values",
                                          o.labels, n, labels.rows(), labels.cols()));
    }
    in.labels = labels.readAllInt64();
    in.lonLat = detail::readLocations(o.locations);
    if (static_cast<std::int64_t>(in.lonLat.size() / 2) != n)
    {
        throw InvalidArgument(fmt::format("--locations {}: {} locations for {} observations in "
                                          "--probs {}",
                                          o.locations, in.lonLat.size() / 2, n, o.probs));
    }
    if (!o.classIds.empty())
    {
        detail::NumericRows ids(o.classIds, "--class-ids");
        if (ids.rows() != n || ids.cols() != in.probs->cols())
        {
            throw InvalidArgument(fmt::format("--class-ids {}: shape {} x {} differs from "
                                              "--probs {} ({} x {})",
                                              o.classIds, ids.rows(), ids.cols(), o.probs, n,
                                              in.probs->cols()));
        }
        in.classIds = ids.readAllInt64();
    }
    return in;
}

/** Classifier classes -> columns of the logits the predictor computes (mapped species only). */
struct ModelColumns
{
    std::vector<std::int64_t> classToColumn; ///< per class, -1 = no model species (g = 1)
    std::vector<std::int64_t> species;       ///< per column, the checkpoint species index
};

ModelColumns modelColumns(const std::vector<std::int64_t>& speciesOfClass)
{
    // Columns in ascending species order: Predictor::predict takes a shortcut when asked for as
    // many species as the model has and returns them in model order, whatever order was asked.
    std::map<std::int64_t, std::int64_t> columnOfSpecies;
    for (const auto s : speciesOfClass)
    {
        if (s >= 0)
        {
            columnOfSpecies.emplace(s, 0);
        }
    }
    ModelColumns m;
    for (auto& [species, column] : columnOfSpecies)
    {
        column = static_cast<std::int64_t>(m.species.size());
        m.species.push_back(species);
    }
    for (const auto s : speciesOfClass)
    {
        m.classToColumn.push_back(s >= 0 ? columnOfSpecies.at(s) : -1);
    }
    return m;
}

/** Per-observation CSV, kept in memory until written atomically (meant for small checks). */
class ObservationTable
{
  public:
    ObservationTable(const std::string& path, const ModelColumns& columns,
                     const std::vector<std::string>& speciesNames)
        : m_path(path)
    {
        if (m_path.empty())
        {
            return;
        }
        m_text = "observation,lon,lat,label,vision_prediction,combined_prediction";
        for (const auto s : columns.species)
        {
            m_text += "," + detail::csvField("logit:" + speciesNames[static_cast<std::size_t>(s)]);
        }
        m_text += "\n";
    }
    bool wanted() const { return !m_path.empty(); }
    void add(std::int64_t observation, const float* lonLat, std::int64_t label, std::int64_t vision,
             std::int64_t combined, const float* logits, std::int64_t count)
    {
        m_text += fmt::format("{},{},{},{},{},{}", observation, lonLat[0], lonLat[1], label, vision,
                              combined);
        for (std::int64_t j = 0; j < count; ++j)
        {
            m_text += fmt::format(",{}", logits[j]);
        }
        m_text += "\n";
    }
    void write() const
    {
        if (wanted())
        {
            core::writeTextFileAtomically(m_path, m_text);
        }
    }

  private:
    std::string m_path;
    std::string m_text;
};

std::int64_t countMappedLabels(const std::vector<std::int64_t>& labels,
                               const std::vector<std::int64_t>& classToColumn)
{
    std::int64_t n = 0;
    for (const auto label : labels)
    {
        n += label >= 0 && label < static_cast<std::int64_t>(classToColumn.size()) &&
                     classToColumn[static_cast<std::size_t>(label)] >= 0
                 ? 1
                 : 0;
    }
    return n;
}

} // namespace

nlohmann::json evaluateGeoPrior(const GeoPriorOptions& o, const core::ProgressSink& progress)
{
    ensureGdalRegistered();
    requireOption(o.checkpoint, "checkpoint");
    requireOption(o.probs, "--probs");
    requireOption(o.labels, "--labels");
    requireOption(o.locations, "--locations");
    const auto predictor = core::Predictor::load(o.checkpoint, o.device);
    if (predictor->numEnvFeatures() > 0)
    {
        throw InvalidArgument(fmt::format(
            "geo prior: checkpoint {} takes {} covariate values per location; this protocol needs "
            "a coordinate-only model (geoinr train --input coords)",
            o.checkpoint, predictor->numEnvFeatures()));
    }
    const auto in = readInputs(o);
    const auto n = in.observations;
    const auto width = in.probs->cols();

    // Classes: the dense width, or (top-k) what the class ids, labels and --class-names mention.
    std::int64_t numClasses = width;
    if (in.topK())
    {
        numClasses = 1 + std::max(*std::max_element(in.classIds.begin(), in.classIds.end()),
                                  *std::max_element(in.labels.begin(), in.labels.end()));
    }
    auto mapping = detail::readClassMapping(o.classNames, predictor->speciesNames(),
                                            in.topK() && !o.classNames.empty() ? 0 : numClasses);
    numClasses = std::max(numClasses, static_cast<std::int64_t>(mapping.speciesOfClass.size()));
    mapping.speciesOfClass.resize(static_cast<std::size_t>(numClasses), -1);
    const auto columns = modelColumns(mapping.speciesOfClass);
    const auto numColumns = static_cast<std::int64_t>(columns.species.size());
    if (numColumns == 0)
    {
        throw InvalidArgument(fmt::format(
            "geo prior: no classifier class matches a species of checkpoint {} ({} species, e.g. "
            "'{}'); check --class-names{}",
            o.checkpoint, predictor->speciesNames().size(), predictor->speciesNames().front(),
            mapping.unmatchedExamples.empty()
                ? std::string()
                : fmt::format(" (unmatched: {})", fmt::join(mapping.unmatchedExamples, ", "))));
    }

    core::GeoPriorEvaluator evaluator(columns.classToColumn);
    ObservationTable table(o.perObservation, columns, predictor->speciesNames());
    const auto blockRows =
        std::clamp<std::int64_t>(kBlockValues / std::max<std::int64_t>(1, width + numColumns), 1,
                                 std::min(kMaxBlockRows, n));
    std::vector<double> probs;
    std::vector<float> logits;
    std::vector<std::int64_t> visionPrediction(static_cast<std::size_t>(blockRows));
    std::vector<std::int64_t> combinedPrediction(static_cast<std::size_t>(blockRows));
    for (std::int64_t first = 0; first < n; first += blockRows)
    {
        const auto rows = std::min(blockRows, n - first);
        probs.resize(static_cast<std::size_t>(rows * width));
        in.probs->read(first, rows, probs.data());
        logits.resize(static_cast<std::size_t>(rows * numColumns));
        predictor->predict(in.lonLat.data() + 2 * first, nullptr, rows, columns.species,
                           logits.data(), core::OutputKind::Logit);
        const core::VisionBlock block{rows, width, probs.data(),
                                      in.topK() ? in.classIds.data() + first * width : nullptr};
        evaluator.addBlock(block, logits.data(), numColumns, in.labels.data() + first, first,
                           visionPrediction.data(), combinedPrediction.data());
        for (std::int64_t r = 0; table.wanted() && r < rows; ++r)
        {
            const auto i = static_cast<std::size_t>(r);
            table.add(first + r, in.lonLat.data() + 2 * (first + r),
                      in.labels[static_cast<std::size_t>(first + r)], visionPrediction[i],
                      combinedPrediction[i], logits.data() + r * numColumns, numColumns);
        }
        core::reportProgress(progress, static_cast<double>(first + rows) / static_cast<double>(n),
                             fmt::format("observations {}/{}", first + rows, n));
    }
    table.write();

    const auto s = evaluator.summary();
    const auto& c = evaluator.counts();
    const auto classesMapped =
        std::count_if(columns.classToColumn.begin(), columns.classToColumn.end(),
                      [](std::int64_t j) { return j >= 0; });
    return {
        {"protocol", "Geo Prior (SINR, science.md 5.5): top-1 of argmax p_vision(c) * g_c, "
                     "g_c = sigmoid(logit_c(x)) for classes with a model species, 1 otherwise"},
        {"checkpoint", o.checkpoint},
        {"probs", o.probs},
        {"class_ids", o.classIds},
        {"labels", o.labels},
        {"locations", o.locations},
        {"class_names", o.classNames},
        {"class_mapping", mapping.format},
        {"input", in.topK() ? "top-k" : "dense"},
        {"probability_columns", width},
        {"observations", n},
        {"num_classes", numClasses},
        {"model_species", predictor->speciesNames().size()},
        {"model_species_used", numColumns},
        {"classes_mapped", classesMapped},
        {"classes_unmapped", numClasses - classesMapped},
        {"class_names_unmatched", mapping.unmatched},
        {"class_names_unmatched_examples", mapping.unmatchedExamples},
        {"observations_label_mapped", countMappedLabels(in.labels, columns.classToColumn)},
        {"vision_top1", s.visionTop1},
        {"combined_top1", s.combinedTop1},
        {"delta_top1_points", s.deltaTop1Points},
        {"vision_top5", s.visionTop5},
        {"combined_top5", s.combinedTop5},
        {"vision_mrr", s.visionMrr},
        {"combined_mrr", s.combinedMrr},
        {"vision_correct", c.visionTop1},
        {"combined_correct", c.combinedTop1},
        {"improved", c.improved},
        {"worsened", c.worsened},
        {"vision_top1_ties", c.visionTies},
        {"tie_rules", "vision top-1: highest probability (top-k: the later column on a tie, as "
                      "SINR's inds[:, -1]; dense: the lower class index); combined: the lower "
                      "class index (np.argmax); top-5/MRR ranks: ties in class-index order"},
        {"block_rows", blockRows},
        {"per_observation", o.perObservation},
    };
}

} // namespace geoinr::rasters
