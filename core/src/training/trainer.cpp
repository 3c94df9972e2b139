// SPDX-License-Identifier: MIT
// The presence-only training loop (SINR, science.md §4): batches of presences, pseudo-absences per
// step, one of SINR's losses, Adam with an exponential learning-rate decay per epoch, resumable.
#include "../device.h"
#include "adam.h"
#include "env_grid.h"
#include "process_group.h"
#include "pseudo_absences.h"
#include "step_random.h"
#include "thresholds.h"

#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/nn/losses.h>
#include <geoinr/core/nn/pretraining_init.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/runtime_info.h>
#include <geoinr/core/training.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <numeric>
#include <random>
#include <unistd.h>

namespace geoinr::core
{
namespace
{

using training::LocationBatch;

void validateOptions(const TrainOptions& o, const TrainingSet& data)
{
    if (o.epochs < 1)
    {
        throw InvalidArgument(fmt::format("--epochs: expected >= 1, got {}", o.epochs));
    }
    if (o.batchSize < 1)
    {
        throw InvalidArgument(fmt::format("--batch-size: expected >= 1, got {}", o.batchSize));
    }
    if (!(o.learningRate > 0.0) || !(o.lrDecay > 0.0) || o.weightDecay < 0.0)
    {
        throw InvalidArgument("--lr and --lr-decay must be > 0 and --weight-decay >= 0");
    }
    if (o.lrSchedule != "exponential" && o.lrSchedule != "cosine" && o.lrSchedule != "constant")
    {
        throw InvalidArgument(fmt::format(
            "--lr-schedule: expected exponential, cosine or constant, got '{}'", o.lrSchedule));
    }
    lossNeeds(o.loss); // throws for unknown names
    if (data.size() == 0)
    {
        throw InvalidArgument("training data: no presence records");
    }
    if (data.lonLat.size() != 2 * data.size())
    {
        throw InvalidArgument("training data: lonLat must hold 2 values per record");
    }
    if (!data.envNames.empty() && data.env.size() != data.size() * data.envNames.size())
    {
        throw InvalidArgument("training data: env must hold one value per record and covariate");
    }
    const auto numClasses = static_cast<std::int32_t>(data.speciesNames.size());
    for (std::size_t i = 0; i < data.size(); ++i)
    {
        if (data.classIds[i] < 0 || data.classIds[i] >= numClasses)
        {
            throw InvalidArgument(fmt::format("training data: record {} has class id {} but there "
                                              "are {} species",
                                              i, data.classIds[i], numClasses));
        }
    }
}

/** Fails before training when the checkpoint could not be written afterwards. */
void checkOutputFolder(const std::string& checkpointPath)
{
    if (checkpointPath.empty())
    {
        return;
    }
    auto folder = std::filesystem::path(checkpointPath).parent_path();
    if (folder.empty())
    {
        folder = ".";
    }
    if (!std::filesystem::is_directory(folder))
    {
        throw InvalidArgument(fmt::format("--output {}: folder '{}' does not exist", checkpointPath,
                                          folder.string()));
    }
    if (access(folder.c_str(), W_OK) != 0)
    {
        throw InvalidArgument(fmt::format("--output {}: folder '{}' is not writable",
                                          checkpointPath, folder.string()));
    }
}

/** SINR's per-class cap: shuffle once (seeded), keep a record while its class has < cap, sort. */
std::vector<std::int64_t> cappedRecords(const std::vector<std::int64_t>& classIds,
                                        std::size_t numSpecies, std::int64_t cap,
                                        std::uint64_t seed)
{
    std::vector<std::int64_t> order(classIds.size());
    std::iota(order.begin(), order.end(), 0);
    if (cap < 0)
    {
        return order;
    }
    std::mt19937_64 rng(seed ^ 0x9472ULL);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::int64_t> counts(numSpecies, 0);
    std::vector<std::int64_t> kept;
    for (auto i : order)
    {
        auto& c = counts[static_cast<std::size_t>(classIds[static_cast<std::size_t>(i)])];
        if (c < cap)
        {
            ++c;
            kept.push_back(i);
        }
    }
    std::sort(kept.begin(), kept.end());
    return kept;
}

/** Pseudo-absences that the max-TSS thresholds are fitted against. */
constexpr std::int64_t kThresholdPseudoAbsences = 2000;

/** Logit of species `ids[i]` for row i of `features`: [B]. */
torch::Tensor rowLogits(const NetworkImpl& net, const torch::Tensor& features,
                        const torch::Tensor& ids)
{
    const auto& head = net.head();
    auto out = (features * head->weight.index_select(0, ids)).sum(1);
    if (head->bias.defined())
    {
        out = out + head->bias.index_select(0, ids);
    }
    return out;
}

/** The learning rate of an epoch under the configured schedule. */
double learningRateAt(const TrainOptions& o, std::int64_t epoch)
{
    if (o.lrSchedule == "cosine")
    {
        return o.learningRate * 0.5 *
               (1.0 + std::cos(M_PI * static_cast<double>(epoch) / static_cast<double>(o.epochs)));
    }
    if (o.lrSchedule == "constant")
    {
        return o.learningRate;
    }
    return o.learningRate * std::pow(o.lrDecay, static_cast<double>(epoch));
}

struct TrainingState
{
    std::int64_t epoch = 0;
    std::int64_t step = 0; ///< next step within the epoch
};

nlohmann::json optionsJson(const TrainOptions& o)
{
    return {{"loss", o.loss},
            {"positive_weight", o.positiveWeight},
            {"pseudo_absences", pseudoAbsenceKindName(o.pseudoAbsences)},
            {"pseudo_absence_extent", o.pseudoAbsenceExtent},
            {"epochs", o.epochs},
            {"batch_size", o.batchSize},
            {"learning_rate", o.learningRate},
            {"lr_decay", o.lrDecay},
            {"lr_schedule", o.lrSchedule},
            {"weight_decay", o.weightDecay},
            {"cap_per_species", o.capPerSpecies},
            {"seed", o.seed}};
}

class Trainer
{
  public:
    Trainer(const TrainingSet& data, const TrainOptions& options, const BackgroundSet* background,
            const EnvGridData* envGrid)
        : m_data(data), m_options(options), m_device(parseDevice(options.device)),
          m_needs(lossNeeds(options.loss))
    {
        validateOptions(options, data);
        const auto input = options.model.value("input", std::string("coords"));
        if (input != "coords" && data.envNames.empty())
        {
            throw InvalidArgument(fmt::format(
                "--input {}: the model takes covariates, but none were given (use --covariates "
                "rasters or --table-covariates columns)",
                input));
        }
        checkOutputFolder(options.checkpointPath);
        auto config = options.model;
        config["num_classes"] = static_cast<std::int64_t>(data.speciesNames.size());
        config["num_env_features"] = static_cast<std::int64_t>(data.envNames.size());
        if (!config.contains("seed"))
        {
            config["seed"] = options.seed;
        }
        m_model = makeRangeModel(config);
        m_usesEnv = m_model->inputMode() != InputMode::Coords;
        if (envGrid != nullptr)
        {
            m_envGrid = std::make_unique<training::EnvGrid>(*envGrid, m_device);
            if (m_usesEnv &&
                m_envGrid->channels() != static_cast<std::int64_t>(data.envNames.size()))
            {
                throw InvalidArgument("covariate grid: channel count differs from the training "
                                      "covariates");
            }
        }
        if (options.distributed.enabled())
        {
            m_group = std::make_unique<training::ProcessGroup>(options.distributed);
        }
        loadData();
        // Target-group pseudo-absences come from every rank's records, as in one process.
        const bool gatherPool = m_group && options.pseudoAbsences == PseudoAbsenceKind::TargetGroup;
        m_sampler = std::make_unique<training::PseudoAbsenceSampler>(
            options, m_usesEnv, gatherPool ? allObservations() : m_observations, background,
            m_envGrid.get(), m_device);
    }

    TrainReport run(const ProgressSink& progress)
    {
        TrainingState state;
        if (!m_options.resumeFrom.empty())
        {
            state = resume();
        }
        else if (m_model->encoder())
        {
            const auto lonLat = m_group ? gathered(m_observations.lonLat) : m_observations.lonLat;
            m_model->encoder()->fitToLocations(lonLat.to(torch::kCPU, torch::kFloat64));
        }
        if (m_options.resumeFrom.empty() && !m_options.initFrom.empty())
        {
            m_copied = initFromPretrained(*m_model, m_options.initFrom, m_options.freezePretrained);
        }
        if (m_group)
        {
            // Same seed gives the same initial weights everywhere; make it certain.
            torch::NoGradGuard noGrad;
            std::vector<torch::Tensor> state;
            for (const auto& p : m_model->parameters())
            {
                state.push_back(p);
            }
            for (const auto& b : m_model->buffers())
            {
                state.push_back(b);
            }
            m_group->broadcastFromRank0(state);
        }
        m_model->to(m_device);
        if (!m_adam)
        {
            m_adam = std::make_unique<training::Adam>(namedParameters(), m_options.weightDecay);
        }
        return loop(state, progress);
    }

  private:
    void loadData()
    {
        selectRecords();
        const auto idx = torch::tensor(m_records, torch::kLong);
        const auto n = static_cast<std::int64_t>(m_data.size());
        const auto lonLat =
            torch::from_blob(const_cast<float*>(m_data.lonLat.data()), {n, 2}, torch::kFloat32);
        validateLonLat(lonLat);
        m_observations.lonLat = lonLat.index_select(0, idx).to(m_device);
        std::vector<std::int64_t> ids(m_data.classIds.begin(), m_data.classIds.end());
        m_classIds = torch::tensor(ids, torch::kLong).index_select(0, idx).to(m_device);
        if (m_usesEnv)
        {
            const auto c = static_cast<std::int64_t>(m_data.envNames.size());
            m_observations.env =
                torch::from_blob(const_cast<float*>(m_data.env.data()), {n, c}, torch::kFloat32)
                    .index_select(0, idx)
                    .nan_to_num(0.0)
                    .to(m_device);
        }
    }

    /**
     * m_records (this process's records after the per-species cap) and where they sit among all
     * ranks' capped records (m_localBegin, m_globalRecords), with every capped record's class id.
     * Ranks hold contiguous shards in rank order, so the global order is a single run's order
     * and the cap picks the same records whatever the number of ranks.
     */
    void selectRecords()
    {
        std::vector<std::int64_t> local(m_data.classIds.begin(), m_data.classIds.end());
        const auto numSpecies = m_data.speciesNames.size();
        if (!m_group)
        {
            m_records = cappedRecords(local, numSpecies, m_options.capPerSpecies, m_options.seed);
            m_globalRecords = static_cast<std::int64_t>(m_records.size());
            std::vector<std::int64_t> kept;
            for (auto i : m_records)
            {
                kept.push_back(local[static_cast<std::size_t>(i)]);
            }
            m_globalClassIds = torch::tensor(kept, torch::kLong);
            return;
        }
        const auto ids = torch::tensor(local, torch::kLong);
        const auto all = m_group->allGatherRows(ids.reshape({-1, 1})).reshape({-1}).contiguous();
        const auto counts =
            m_group->allGatherRows(torch::tensor({ids.size(0)}, torch::kLong)).contiguous();
        std::int64_t offset = 0;
        for (int r = 0; r < m_group->rank(); ++r)
        {
            offset += counts.data_ptr<std::int64_t>()[r];
        }
        std::vector<std::int64_t> allIds(all.data_ptr<std::int64_t>(),
                                         all.data_ptr<std::int64_t>() + all.numel());
        const auto kept =
            cappedRecords(allIds, numSpecies, m_options.capPerSpecies, m_options.seed);
        m_records.clear();
        m_localBegin = -1;
        std::vector<std::int64_t> keptIds;
        for (std::size_t k = 0; k < kept.size(); ++k)
        {
            keptIds.push_back(allIds[static_cast<std::size_t>(kept[k])]);
            if (kept[k] >= offset && kept[k] < offset + ids.size(0))
            {
                m_localBegin = m_localBegin < 0 ? static_cast<std::int64_t>(k) : m_localBegin;
                m_records.push_back(kept[k] - offset);
            }
        }
        m_globalRecords = static_cast<std::int64_t>(kept.size());
        m_globalClassIds = torch::tensor(keptIds, torch::kLong);
        m_localBegin = std::max<std::int64_t>(m_localBegin, 0);
    }

    /** Rows of every rank, in rank order (this process's rows when there is no group). */
    torch::Tensor gathered(const torch::Tensor& local)
    {
        return m_group ? m_group->allGatherRows(local.to(torch::kCPU)).to(m_device) : local;
    }

    LocationBatch allObservations()
    {
        return {gathered(m_observations.lonLat),
                m_usesEnv ? gathered(m_observations.env) : torch::Tensor()};
    }

    std::vector<std::pair<std::string, torch::Tensor>> namedParameters()
    {
        std::vector<std::pair<std::string, torch::Tensor>> out;
        for (const auto& p : m_model->named_parameters())
        {
            out.emplace_back(p.key(), p.value());
        }
        return out;
    }

    torch::Tensor networkInput(const LocationBatch& b)
    {
        return m_model->encodeInputs(b.lonLat, m_usesEnv ? b.env : torch::Tensor(), false);
    }

    /** This process's part of a step's global batch. */
    struct BatchPart
    {
        std::int64_t globalSize = 0;  ///< records in the step over all ranks
        torch::Tensor positions;      ///< their positions in the global batch; undefined = all
        torch::Tensor globalClassIds; ///< class ids of the whole global batch
    };

    /** Rows `positions` of a batch drawn for the whole global batch. */
    static LocationBatch rowsOf(const LocationBatch& all, const torch::Tensor& positions)
    {
        if (!positions.defined())
        {
            return all;
        }
        return {all.lonLat.index_select(0, positions),
                all.env.defined() ? all.env.index_select(0, positions) : torch::Tensor()};
    }

    /**
     * The loss of this process's records, scaled so that the sum over ranks is the loss of the
     * global batch (every loss is a mean over batch rows). Pseudo-absences and "other species"
     * are drawn for the whole global batch from the step's generator, as one process would, and
     * each rank keeps the rows paired with its records: the same draws whatever the world size.
     */
    torch::Tensor stepLoss(const LocationBatch& obs, const torch::Tensor& ids,
                           torch::Generator& gen, const BatchPart& part)
    {
        const auto b = ids.size(0);
        auto& net = *m_model->network();
        LossInputs in;
        in.classIds = ids;
        const double share = static_cast<double>(b) / static_cast<double>(part.globalSize);
        if (m_needs.allSpeciesAtObserved || m_needs.observedSpeciesAtRandom)
        {
            const auto neg = rowsOf(m_sampler->sample(part.globalSize, gen), part.positions);
            // Observed and random locations in one pass, as SINR does.
            const auto input = torch::cat({networkInput(obs), networkInput(neg)}, 0);
            if (m_needs.allSpeciesAtObserved)
            {
                in.logitsStacked = net.forward(input);
            }
            else
            {
                const auto feats = net.features(input);
                in.positiveLogits = rowLogits(net, feats.narrow(0, 0, b), ids);
                in.observedAtRandomLogits = rowLogits(net, feats.narrow(0, b, b), ids);
            }
        }
        else
        {
            const auto feats = net.features(networkInput(obs));
            auto other =
                drawOtherSpecies(part.globalClassIds.to(torch::kCPU), m_model->numClasses(), gen);
            if (part.positions.defined())
            {
                other = other.index_select(0, part.positions.to(torch::kCPU));
            }
            other = other.to(m_device);
            in.positiveLogits = rowLogits(net, feats, ids);
            in.otherAtObservedLogits = rowLogits(net, feats, other);
        }
        const auto loss = presenceOnlyLoss(m_options.loss, in, m_options.positiveWeight);
        return share == 1.0 ? loss : loss * share;
    }

    /** Sums the gradients and `values` over the ranks (gradients of parameters a rank did not
     *  reach count as zeros), so every rank applies the same update. */
    void synchronise(torch::Tensor& values)
    {
        std::vector<torch::Tensor> tensors;
        for (auto& p : m_model->parameters())
        {
            if (!p.requires_grad())
            {
                continue; // frozen (torchscript encoder): a zero gradient would let decay move it
            }
            if (!p.grad().defined())
            {
                p.mutable_grad() = torch::zeros_like(p);
            }
            tensors.push_back(p.grad());
        }
        tensors.push_back(values);
        m_group->allReduceSum(tensors);
    }

    TrainReport loop(TrainingState state, const ProgressSink& progress)
    {
        const auto n = m_globalRecords;
        const auto localEnd = m_localBegin + static_cast<std::int64_t>(m_records.size());
        const auto stepsPerEpoch = (n + m_options.batchSize - 1) / m_options.batchSize;
        const auto totalSteps = stepsPerEpoch * m_options.epochs;
        TrainReport report;
        report.recordsUsed = n;
        const auto start = std::chrono::steady_clock::now();
        std::int64_t samples = 0;
        double epochLoss = 0.0;
        std::int64_t epochSteps = 0;
        for (auto epoch = state.epoch; epoch < m_options.epochs; ++epoch)
        {
            m_model->train();
            const double lr = learningRateAt(m_options, epoch);
            auto permGen = training::stepGenerator(m_options.seed, epoch, -1);
            const auto perm = torch::randperm(n, permGen, torch::kLong).to(m_device);
            for (auto step = (epoch == state.epoch ? state.step : 0); step < stepsPerEpoch; ++step)
            {
                auto gen = training::stepGenerator(m_options.seed, epoch, step);
                // Dropout draws from LibTorch's global generator: reseed it per step too, so a
                // resumed run replays exactly the masks of an uninterrupted one.
                // (A different seed than `gen`'s, so masks and pseudo-absences are not correlated.)
                torch::manual_seed(gen.current_seed() ^ 0x5DEECE66DULL);
                const auto first = step * m_options.batchSize;
                const auto batch = perm.narrow(0, first, std::min(m_options.batchSize, n - first));
                BatchPart part{batch.size(0), torch::Tensor(), torch::Tensor()};
                if (m_needs.otherSpeciesAtObserved) // only these losses draw other species
                {
                    part.globalClassIds = m_globalClassIds.index_select(0, batch.to(torch::kCPU));
                }
                auto idx = batch;
                if (m_group)
                {
                    // This rank's records among the global batch, and where they sit in it.
                    part.positions =
                        ((batch >= m_localBegin) & (batch < localEnd)).nonzero().squeeze(1);
                    idx = batch.index_select(0, part.positions) - m_localBegin;
                }
                m_adam->zeroGrad();
                double value = 0.0;
                if (idx.size(0) > 0)
                {
                    LocationBatch obs{m_observations.lonLat.index_select(0, idx),
                                      m_usesEnv ? m_observations.env.index_select(0, idx)
                                                : torch::Tensor()};
                    const auto loss = stepLoss(obs, m_classIds.index_select(0, idx), gen, part);
                    loss.backward();
                    value = loss.item<double>();
                }
                if (m_group)
                {
                    auto total = torch::tensor({static_cast<float>(value)});
                    synchronise(total);
                    value = total.item<double>();
                }
                m_adam->step(lr);
                if (!std::isfinite(value))
                {
                    throw Error(fmt::format("training diverged: loss is {} at epoch {} step {}; "
                                            "lower --lr",
                                            value, epoch + 1, step + 1));
                }
                epochLoss += value;
                ++epochSteps;
                samples += idx.size(0);
                ++report.stepsCompleted;
                const double secs =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                report.samplesPerSecond = secs > 0 ? samples / secs : 0.0;
                const double done =
                    static_cast<double>(epoch * stepsPerEpoch + step + 1) / totalSteps;
                const auto msg =
                    fmt::format("epoch {}/{} loss {:.4f} {:.0f} samples/s", epoch + 1,
                                m_options.epochs, epochLoss / epochSteps, report.samplesPerSecond);
                if (stopRequested(progress, done, msg))
                {
                    report.cancelled = true;
                    report.finalLoss = epochLoss / epochSteps;
                    report.seconds = secs;
                    save({epoch, step + 1}, false);
                    return report;
                }
            }
            report.finalLoss = epochLoss / std::max<std::int64_t>(epochSteps, 1);
            report.epochsCompleted = static_cast<int>(epoch + 1);
            epochLoss = 0.0;
            epochSteps = 0;
        }
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        save({m_options.epochs, 0}, true);
        return report;
    }

    /** The progress sink's answer; with a group, any rank asking to stop stops them all at the
     *  same step (rank 0 then writes the resumable checkpoint). */
    bool stopRequested(const ProgressSink& progress, double done, const std::string& msg)
    {
        const bool here = progress && !progress(done, msg);
        if (!m_group)
        {
            return here;
        }
        auto flag = torch::tensor({here ? 1.0F : 0.0F});
        m_group->allReduceSum({flag});
        return flag.item<float>() > 0.0F;
    }

    void save(const TrainingState& state, bool complete)
    {
        if (m_options.checkpointPath.empty())
        {
            return;
        }
        // Thresholds need every rank's records: computed by all, written by rank 0.
        const auto thresholds = complete ? thresholdsOfTrainedModel() : nlohmann::json();
        if (m_group && m_group->rank() != 0)
        {
            m_group->barrier(); // rank 0 is writing
            return;
        }
        auto metadata = m_options.metadata;
        metadata["species"] = m_data.speciesNames;
        metadata["env_features"] = m_data.envNames;
        metadata["training"] = optionsJson(m_options);
        metadata["training"]["records_used"] = m_globalRecords;
        // Besides the options, the weights' last bits depend on these: the same seed gives the same
        // checkpoint with the same device, threads and GEMM library.
        metadata["training"]["runtime"] = {{"device", m_options.device},
                                           {"torch_threads", torchThreads()},
                                           {"gemm", trainingGemmLibrary()},
                                           {"libtorch", torchVersion()}};
        if (!m_options.initFrom.empty())
        {
            metadata["training"]["init_from"] = {{"checkpoint", m_options.initFrom},
                                                 {"copied_parameters", m_copied},
                                                 {"frozen", m_options.freezePretrained}};
        }
        if (m_group)
        {
            metadata["training"]["world_size"] = m_group->worldSize();
        }
        metadata["training_state"] = {
            {"epoch", state.epoch}, {"step", state.step}, {"complete", complete}};
        if (complete)
        {
            metadata["thresholds"] = thresholds;
        }
        m_model->to(torch::kCPU);
        NamedTensors extra;
        if (!complete)
        {
            for (const auto& [name, t] : m_adam->state())
            {
                extra.emplace_back("adam." + name, t);
            }
        }
        saveCheckpoint(m_options.checkpointPath, *m_model, metadata, extra);
        m_model->to(m_device);
        if (m_group)
        {
            m_group->barrier(); // the others wait until the checkpoint is in place
        }
    }

    /** Thresholds for binary maps; pseudo-absences from their own seeded stream (epoch -2). */
    nlohmann::json thresholdsOfTrainedModel()
    {
        auto gen = training::stepGenerator(m_options.seed, -2, 0);
        const auto pseudoAbsences = m_sampler->sample(kThresholdPseudoAbsences, gen);
        if (!m_group)
        {
            return training::fitThresholds(*m_model, m_observations, m_classIds, pseudoAbsences,
                                           m_usesEnv);
        }
        const auto local =
            training::ownSpeciesProbabilities(*m_model, m_observations, m_classIds, m_usesEnv);
        const auto all = m_group->allGatherRows(local.reshape({-1, 1})).reshape({-1});
        return training::fitThresholdsFromPresenceScores(*m_model, all, m_globalClassIds,
                                                         pseudoAbsences, m_usesEnv);
    }

    TrainingState resume()
    {
        auto loaded = loadCheckpoint(m_options.resumeFrom);
        const auto& meta = loaded.header.at("metadata");
        const auto& st = meta.at("training_state");
        if (st.value("complete", false))
        {
            throw InvalidArgument(fmt::format("--resume {}: this checkpoint finished training; "
                                              "nothing to resume",
                                              m_options.resumeFrom));
        }
        const auto saved = meta.at("training");
        const auto now = optionsJson(m_options);
        for (const auto* key : {"loss", "batch_size", "seed", "cap_per_species", "pseudo_absences"})
        {
            if (saved.at(key) != now.at(key))
            {
                throw InvalidArgument(fmt::format("--resume {}: option '{}' was {} and is now {}",
                                                  m_options.resumeFrom, key, saved.at(key).dump(),
                                                  now.at(key).dump()));
            }
        }
        if (loaded.header.at("model") != m_model->config())
        {
            throw InvalidArgument(
                fmt::format("--resume {}: the model configuration differs from this run's",
                            m_options.resumeFrom));
        }
        m_model = loaded.model;
        const auto init = saved.value("init_from", nlohmann::json());
        if (init.is_object())
        {
            m_copied = init.at("copied_parameters").get<std::vector<std::string>>();
            if (init.at("frozen").get<bool>())
            {
                freezeParameters(*m_model, m_copied); // a loaded model trains everything
            }
        }
        m_model->to(m_device);
        m_adam = std::make_unique<training::Adam>(namedParameters(), m_options.weightDecay);
        std::vector<std::pair<std::string, torch::Tensor>> adamState;
        for (const auto& [name, t] : loaded.extra)
        {
            if (name.rfind("adam.", 0) == 0)
            {
                adamState.emplace_back(name.substr(5), t.to(m_device));
            }
        }
        m_adam->loadState(adamState);
        return {st.at("epoch").get<std::int64_t>(), st.at("step").get<std::int64_t>()};
    }

    const TrainingSet& m_data;
    TrainOptions m_options;
    torch::Device m_device;
    LossNeeds m_needs;
    RangeModelPtr m_model;
    bool m_usesEnv = false;
    std::unique_ptr<training::EnvGrid> m_envGrid;
    std::unique_ptr<training::PseudoAbsenceSampler> m_sampler;
    std::unique_ptr<training::Adam> m_adam;
    std::unique_ptr<training::ProcessGroup> m_group; ///< null for a single process
    std::vector<std::int64_t> m_records;             ///< this process's records after the cap
    std::int64_t m_localBegin = 0;    ///< their first position among all ranks' capped records
    std::int64_t m_globalRecords = 0; ///< capped records over all ranks
    torch::Tensor m_globalClassIds;   ///< [m_globalRecords] class ids (CPU)
    LocationBatch m_observations;
    torch::Tensor m_classIds;
    std::vector<std::string> m_copied; ///< parameters initialised from options.initFrom
};

} // namespace

TrainReport trainRangeModel(const TrainingSet& data, const TrainOptions& options,
                            const BackgroundSet* background, const EnvGridData* envGrid,
                            const ProgressSink& progress)
{
    if (options.threads > 0)
    {
        at::set_num_threads(options.threads);
    }
    Trainer trainer(data, options, background, envGrid);
    return trainer.run(progress);
}

} // namespace geoinr::core
