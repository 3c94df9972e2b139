// SPDX-License-Identifier: MIT
// Contrastive location-encoder pretraining (SatCLIP / CLIP): symmetric InfoNCE between a location
// RangeModel and an MLP over paired features, Adam, resumable; and --init-from for training.
#include "device.h"
#include "training/adam.h"
#include "training/step_random.h"

#include <geoinr/core/checkpoint_file.h>
#include <geoinr/core/error.h>
#include <geoinr/core/nn/checkpoint.h>
#include <geoinr/core/nn/network.h>
#include <geoinr/core/nn/pretraining_init.h>
#include <geoinr/core/nn/range_model.h>
#include <geoinr/core/pretraining.h>

#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>

namespace geoinr::core
{
namespace
{

/** CLIP's loss on [n x d] embeddings; logScale is a 0-d tensor (learned). */
torch::Tensor symmetricInfoNce(const torch::Tensor& a, const torch::Tensor& b,
                               const torch::Tensor& logScale)
{
    namespace F = torch::nn::functional;
    const auto norm = F::NormalizeFuncOptions().dim(1);
    const auto logits = logScale.exp() * F::normalize(a, norm).matmul(F::normalize(b, norm).t());
    const auto target =
        torch::arange(a.size(0), torch::TensorOptions(torch::kLong).device(a.device()));
    return 0.5 * (F::cross_entropy(logits, target) + F::cross_entropy(logits.t(), target));
}

void validate(const PretrainingSet& data, const PretrainOptions& o)
{
    if (o.epochs < 1)
    {
        throw InvalidArgument(fmt::format("--epochs: expected >= 1, got {}", o.epochs));
    }
    if (o.batchSize < 2)
    {
        throw InvalidArgument(fmt::format("--batch-size: expected >= 2 (a contrastive batch "
                                          "needs negatives), got {}",
                                          o.batchSize));
    }
    if (!(o.learningRate > 0.0) || !(o.weightDecay >= 0.0))
    {
        throw InvalidArgument("--lr must be > 0 and --weight-decay >= 0");
    }
    if (!(o.initialTemperature > 0.0) || !(o.maxLogitScale >= 1.0 / o.initialTemperature))
    {
        throw InvalidArgument(fmt::format("--temperature: expected > 0 with 1/temperature <= {} "
                                          "(the logit-scale clamp), got {}",
                                          o.maxLogitScale, o.initialTemperature));
    }
    if (o.embeddingDim < 1)
    {
        throw InvalidArgument(
            fmt::format("--embedding-dim: expected >= 1, got {}", o.embeddingDim));
    }
    const auto n = data.size();
    if (n < 2 || data.lonLat.size() != 2 * n)
    {
        throw InvalidArgument(fmt::format("pretraining data: expected >= 2 locations with 2 "
                                          "values (lon, lat) each, got {} values",
                                          data.lonLat.size()));
    }
    const auto k = data.featureNames.size();
    if (k == 0 || data.features.size() != n * k)
    {
        throw InvalidArgument(fmt::format("pretraining data: expected {} x {} feature values "
                                          "(locations x feature names), got {}",
                                          n, k, data.features.size()));
    }
    for (std::size_t i = 0; i < data.features.size(); ++i)
    {
        if (!std::isfinite(data.features[i]))
        {
            throw InvalidArgument(fmt::format("pretraining data: feature '{}' of location {} is "
                                              "not finite",
                                              data.featureNames[i % k], i / k));
        }
    }
}

/** FNV-1a of the paired data: --resume refuses other data. */
std::string dataFingerprint(const PretrainingSet& data)
{
    auto h = fnv1a64(data.lonLat.data(), data.lonLat.size() * sizeof(float));
    h = fnv1a64(data.features.data(), data.features.size() * sizeof(float), h);
    return fmt::format("{:016x}", h);
}

using Named = std::vector<std::pair<std::string, torch::Tensor>>;

Named namedParams(torch::nn::Module& m, const std::string& prefix)
{
    Named out;
    for (const auto& p : m.named_parameters())
    {
        out.emplace_back(prefix + p.key(), p.value());
    }
    return out;
}

Named prefixed(const Named& state, const std::string& prefix)
{
    Named out;
    for (const auto& [name, t] : state)
    {
        out.emplace_back(prefix + name, t);
    }
    return out;
}

/** The tensors of `extra` whose names start with `prefix`, prefix removed. */
Named withPrefix(const NamedTensors& extra, const std::string& prefix, const torch::Device& dev)
{
    Named out;
    for (const auto& [name, t] : extra)
    {
        if (name.rfind(prefix, 0) == 0)
        {
            out.emplace_back(name.substr(prefix.size()), t.to(dev));
        }
    }
    return out;
}

class Pretrainer
{
  public:
    Pretrainer(const PretrainingSet& data, const PretrainOptions& options)
        : m_data(data), m_options(options), m_device(parseDevice(options.device))
    {
        validate(data, options);
        auto config = options.model.is_null() || options.model.empty() ? pretrainPresetModel("l10")
                                                                       : options.model;
        if (config.value("input", std::string("coords")) != "coords")
        {
            throw InvalidArgument("pretraining: the location model's input must be \"coords\" "
                                  "(the features are the other side of the pair)");
        }
        config["num_classes"] = options.embeddingDim;
        if (!config.contains("seed"))
        {
            config["seed"] = options.seed;
        }
        m_model = makeRangeModel(config);
        torch::manual_seed(options.seed ^ 0xFEA7ULL); // the feature side's initialisation
        m_featureNet = makeNetwork(options.featureNetwork, numFeatures(), options.embeddingDim);
        m_logScale = torch::tensor(std::log(1.0 / options.initialTemperature),
                                   torch::TensorOptions(torch::kFloat32).requires_grad(true));
        const auto n = static_cast<std::int64_t>(data.size());
        m_lonLat =
            torch::from_blob(const_cast<float*>(data.lonLat.data()), {n, 2}, torch::kFloat32);
        validateLonLat(m_lonLat);
        m_lonLat = m_lonLat.to(m_device);
        m_features = torch::from_blob(const_cast<float*>(data.features.data()), {n, numFeatures()},
                                      torch::kFloat32)
                         .to(m_device);
    }

    PretrainReport run(const ProgressSink& progress)
    {
        State state;
        if (!m_options.resumeFrom.empty())
        {
            state = resume();
        }
        else if (m_model->encoder())
        {
            m_model->encoder()->fitToLocations(m_lonLat.to(torch::kCPU, torch::kFloat64));
        }
        moveTo(m_device);
        if (!m_adam)
        {
            makeOptimisers();
        }
        return loop(state, progress);
    }

  private:
    struct State
    {
        std::int64_t epoch = 0;
        std::int64_t step = 0; ///< next step within the epoch
    };

    std::int64_t numFeatures() const
    {
        return static_cast<std::int64_t>(m_data.featureNames.size());
    }

    void moveTo(const torch::Device& device)
    {
        m_model->to(device);
        m_featureNet->to(device);
        torch::NoGradGuard noGrad;
        m_logScale.set_data(m_logScale.to(device));
    }

    void makeOptimisers()
    {
        auto params = namedParams(*m_model, "location.");
        for (auto& p : namedParams(*m_featureNet, "features."))
        {
            params.push_back(p);
        }
        m_adam = std::make_unique<training::Adam>(params, m_options.weightDecay);
        m_scaleAdam = std::make_unique<training::Adam>(Named{{"logit_scale", m_logScale}}, 0.0);
    }

    nlohmann::json optionsJson() const
    {
        return {{"objective", "symmetric_infonce"},
                {"embedding_dim", m_options.embeddingDim},
                {"feature_network", m_featureNet->config()},
                {"features", m_data.featureNames},
                {"epochs", m_options.epochs},
                {"batch_size", m_options.batchSize},
                {"learning_rate", m_options.learningRate},
                {"weight_decay", m_options.weightDecay},
                {"initial_temperature", m_options.initialTemperature},
                {"max_logit_scale", m_options.maxLogitScale},
                {"seed", m_options.seed},
                {"locations", m_data.size()},
                {"data_fingerprint", dataFingerprint(m_data)}};
    }

    PretrainReport loop(State state, const ProgressSink& progress)
    {
        const auto n = m_lonLat.size(0);
        const auto batch = std::min(m_options.batchSize, n);
        const auto stepsPerEpoch = n / batch; // the last partial batch is dropped (CLIP)
        const auto totalSteps = stepsPerEpoch * m_options.epochs;
        const double maxLog = std::log(m_options.maxLogitScale);
        PretrainReport report;
        const auto start = std::chrono::steady_clock::now();
        double epochLoss = 0.0;
        std::int64_t epochSteps = 0;
        m_model->train();
        m_featureNet->train();
        for (auto epoch = state.epoch; epoch < m_options.epochs; ++epoch)
        {
            auto permGen = training::stepGenerator(m_options.seed, epoch, -1);
            const auto perm = torch::randperm(n, permGen, torch::kLong).to(m_device);
            for (auto step = (epoch == state.epoch ? state.step : 0); step < stepsPerEpoch; ++step)
            {
                const auto idx = perm.narrow(0, step * batch, batch);
                m_adam->zeroGrad();
                m_scaleAdam->zeroGrad();
                const auto loss = symmetricInfoNce(
                    m_model->network()->forward(
                        m_model->encodeInputs(m_lonLat.index_select(0, idx), {}, false)),
                    m_featureNet->forward(m_features.index_select(0, idx)), m_logScale);
                loss.backward();
                const double value = loss.item<double>();
                if (!std::isfinite(value))
                {
                    throw Error(fmt::format("pretraining diverged: loss is {} at epoch {} step {}; "
                                            "lower --lr",
                                            value, epoch + 1, step + 1));
                }
                m_adam->step(m_options.learningRate);
                m_scaleAdam->step(m_options.learningRate);
                {
                    torch::NoGradGuard noGrad;
                    m_logScale.clamp_(0.0, maxLog); // CLIP keeps exp(scale) in [1, 100]
                }
                if (report.stepsCompleted == 0)
                {
                    report.firstLoss = value;
                }
                epochLoss += value;
                ++epochSteps;
                ++report.stepsCompleted;
                const double secs =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                report.samplesPerSecond =
                    secs > 0 ? static_cast<double>(report.stepsCompleted * batch) / secs : 0.0;
                report.logitScale = std::exp(m_logScale.item<double>());
                const double done =
                    static_cast<double>(epoch * stepsPerEpoch + step + 1) / totalSteps;
                const auto msg = fmt::format("epoch {}/{} loss {:.4f} scale {:.1f} {:.0f} "
                                             "locations/s",
                                             epoch + 1, m_options.epochs, epochLoss / epochSteps,
                                             report.logitScale, report.samplesPerSecond);
                if (progress && !progress(done, msg))
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
        report.logitScale = std::exp(m_logScale.item<double>());
        report.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        save({m_options.epochs, 0}, true);
        return report;
    }

    void save(const State& state, bool complete)
    {
        if (m_options.checkpointPath.empty())
        {
            return;
        }
        moveTo(torch::kCPU);
        auto metadata = m_options.metadata;
        metadata["pretraining"] = optionsJson();
        metadata["pretraining"]["logit_scale"] = std::exp(m_logScale.item<double>());
        metadata["training_state"] = {
            {"epoch", state.epoch}, {"step", state.step}, {"complete", complete}};
        NamedTensors extra;
        for (const auto& p : m_featureNet->named_parameters())
        {
            extra.emplace_back("features." + p.key(), p.value());
        }
        for (const auto& b : m_featureNet->named_buffers())
        {
            extra.emplace_back("features." + b.key(), b.value());
        }
        extra.emplace_back("logit_scale", m_logScale.detach().reshape({1}));
        if (!complete)
        {
            for (const auto& t : prefixed(m_adam->state(), "adam."))
            {
                extra.push_back(t);
            }
            for (const auto& t : prefixed(m_scaleAdam->state(), "adam_scale."))
            {
                extra.push_back(t);
            }
        }
        saveCheckpoint(m_options.checkpointPath, *m_model, metadata, extra);
        moveTo(m_device);
    }

    State resume()
    {
        const auto& path = m_options.resumeFrom;
        auto loaded = loadCheckpoint(path);
        const auto& meta = loaded.header.at("metadata");
        if (!meta.contains("pretraining") || !meta.contains("training_state"))
        {
            throw InvalidArgument(
                fmt::format("--resume {}: not a checkpoint of `geoinr pretrain`", path));
        }
        const auto& st = meta.at("training_state");
        if (st.value("complete", false))
        {
            throw InvalidArgument(fmt::format(
                "--resume {}: this checkpoint finished pretraining; nothing to resume", path));
        }
        const auto& saved = meta.at("pretraining");
        const auto now = optionsJson();
        for (const auto* key : {"batch_size", "seed", "embedding_dim", "features", "locations",
                                "data_fingerprint", "feature_network"})
        {
            if (saved.value(key, nlohmann::json()) != now.at(key))
            {
                throw InvalidArgument(fmt::format("--resume {}: '{}' was {} and is now {}", path,
                                                  key, saved.value(key, nlohmann::json()).dump(),
                                                  now.at(key).dump()));
            }
        }
        if (loaded.header.at("model") != m_model->config())
        {
            throw InvalidArgument(fmt::format(
                "--resume {}: the location model's configuration differs from this run's", path));
        }
        m_model = loaded.model;
        torch::NoGradGuard noGrad;
        const auto feats = withPrefix(loaded.extra, "features.", torch::kCPU);
        const std::map<std::string, torch::Tensor> byName(feats.begin(), feats.end());
        auto loadInto = [&](const std::string& name, torch::Tensor& target)
        {
            const auto it = byName.find(name);
            if (it == byName.end() || !it->second.sizes().equals(target.sizes()))
            {
                throw CheckpointError(
                    fmt::format("{}: feature-network tensor '{}' is missing or has the wrong shape",
                                path, name));
            }
            target.copy_(it->second);
        };
        for (auto& p : m_featureNet->named_parameters())
        {
            loadInto(p.key(), p.value());
        }
        for (auto& b : m_featureNet->named_buffers())
        {
            loadInto(b.key(), b.value());
        }
        const auto scale = withPrefix(loaded.extra, "logit_scale", torch::kCPU);
        if (scale.size() != 1)
        {
            throw CheckpointError(fmt::format("{}: tensor 'logit_scale' is missing", path));
        }
        m_logScale.copy_(scale.front().second.reshape({}));
        moveTo(m_device);
        makeOptimisers();
        m_adam->loadState(withPrefix(loaded.extra, "adam.", m_device));
        m_scaleAdam->loadState(withPrefix(loaded.extra, "adam_scale.", m_device));
        return {st.at("epoch").get<std::int64_t>(), st.at("step").get<std::int64_t>()};
    }

    const PretrainingSet& m_data;
    PretrainOptions m_options;
    torch::Device m_device;
    RangeModelPtr m_model; ///< location side: head = embedding
    NetworkPtr m_featureNet;
    torch::Tensor m_logScale; ///< 0-d, learned
    std::unique_ptr<training::Adam> m_adam;
    std::unique_ptr<training::Adam> m_scaleAdam; ///< the logit scale, without weight decay
    torch::Tensor m_lonLat;
    torch::Tensor m_features;
};

} // namespace

const std::vector<std::string>& pretrainPresetNames()
{
    static const std::vector<std::string> names = {"l10", "l40"};
    return names;
}

nlohmann::json pretrainPresetModel(const std::string& preset)
{
    if (preset != "l10" && preset != "l40")
    {
        throw InvalidArgument(
            fmt::format("--preset: expected l10 or l40 (SatCLIP's encoders), got '{}'", preset));
    }
    return {{"input", "coords"},
            {"encoder", {{"name", "spherical_harmonics"}, {"L", preset == "l10" ? 10 : 40}}},
            {"network", {{"name", "siren"}, {"hidden_dim", 256}, {"num_layers", 2}}}};
}

PretrainReport pretrainLocationEncoder(const PretrainingSet& data, const PretrainOptions& options,
                                       const ProgressSink& progress)
{
    if (options.threads > 0)
    {
        at::set_num_threads(options.threads);
    }
    Pretrainer trainer(data, options);
    return trainer.run(progress);
}

double infoNceLoss(const std::vector<float>& a, const std::vector<float>& b, std::int64_t n,
                   std::int64_t d, double logScale)
{
    if (n < 1 || d < 1 || a.size() != static_cast<std::size_t>(n * d) || b.size() != a.size())
    {
        throw InvalidArgument(fmt::format("infoNceLoss: expected two {} x {} buffers, got {} and "
                                          "{} values",
                                          n, d, a.size(), b.size()));
    }
    torch::NoGradGuard noGrad;
    const auto ta = torch::from_blob(const_cast<float*>(a.data()), {n, d}, torch::kFloat32);
    const auto tb = torch::from_blob(const_cast<float*>(b.data()), {n, d}, torch::kFloat32);
    return symmetricInfoNce(ta.to(torch::kFloat64), tb.to(torch::kFloat64),
                            torch::tensor(logScale, torch::kFloat64))
        .item<double>();
}

std::vector<std::string> initFromPretrained(RangeModelImpl& model, const std::string& path,
                                            bool freeze)
{
    const auto loaded = loadCheckpoint(path);
    std::map<std::string, torch::Tensor> source;
    for (const auto& p : loaded.model->named_parameters())
    {
        source[p.key()] = p.value();
    }
    for (const auto& b : loaded.model->named_buffers())
    {
        source[b.key()] = b.value();
    }
    const auto matching = [&](const std::string& name, const torch::Tensor& target)
    {
        if (name.rfind("network.head.", 0) == 0)
        {
            return torch::Tensor(); // the species head is new
        }
        const auto it = source.find(name);
        return it != source.end() && it->second.sizes().equals(target.sizes()) ? it->second
                                                                               : torch::Tensor();
    };
    std::vector<std::string> copied;
    torch::NoGradGuard noGrad;
    for (auto& p : model.named_parameters())
    {
        if (const auto src = matching(p.key(), p.value()); src.defined())
        {
            p.value().copy_(src);
            copied.push_back(p.key());
        }
    }
    if (copied.empty())
    {
        throw InvalidArgument(fmt::format(
            "--init-from {}: no parameter of this model matches the pretrained one by name and "
            "shape (pretrained encoder {}, network {}); use the same --encoder and --network",
            path, loaded.header.at("model").value("encoder", nlohmann::json()).dump(),
            loaded.header.at("model").at("network").dump()));
    }
    for (auto& b : model.named_buffers())
    {
        if (const auto src = matching(b.key(), b.value()); src.defined())
        {
            b.value().copy_(src);
        }
    }
    if (freeze)
    {
        freezeParameters(model, copied);
    }
    return copied;
}

void freezeParameters(RangeModelImpl& model, const std::vector<std::string>& names)
{
    auto params = model.named_parameters();
    for (const auto& name : names)
    {
        auto* p = params.find(name);
        if (p == nullptr)
        {
            throw InvalidArgument(fmt::format("frozen parameter '{}' is not in the model", name));
        }
        p->set_requires_grad(false);
    }
}

} // namespace geoinr::core
