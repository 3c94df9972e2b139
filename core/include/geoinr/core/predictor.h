// SPDX-License-Identifier: MIT
// Torch-free prediction API: a loaded checkpoint that maps plain lon/lat (+ covariate) buffers to
// per-species probabilities or logits. rasters/, the GDAL driver and the QGIS plugin use this.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace geoinr::core
{

/** What predict() returns per species. */
enum class OutputKind
{
    Probability, ///< sigmoid(logit) in [0, 1]
    Logit
};

/**
 * A checkpoint loaded for inference (CPU, eval mode, no autograd). Thread-safe: predict() may be
 * called from several threads at once (LibTorch modules are read-only under inference).
 */
class Predictor
{
  public:
    /**
     * Loads and verifies; throws CheckpointError / IoError naming the file. `device` is "cpu" or
     * "cuda" (InvalidArgument naming --device when CUDA is unavailable); buffers stay on the host.
     */
    static std::shared_ptr<const Predictor> load(const std::string& checkpointPath,
                                                 const std::string& device = "cpu");

    ~Predictor();
    Predictor(const Predictor&) = delete;
    Predictor& operator=(const Predictor&) = delete;

    /** The checkpoint header (model config, metadata: species, covariates, training, data). */
    const nlohmann::json& header() const;
    const std::vector<std::string>& speciesNames() const;
    /** Index of `name` in speciesNames(); throws InvalidArgument listing near names if absent. */
    std::int64_t speciesIndex(const std::string& name) const;
    /** Number of covariate values the model needs per location (0 for coordinate-only models). */
    std::int64_t numEnvFeatures() const;
    bool usesCoordinates() const;

    /**
     * Predicts for n locations: lonLat [n x 2] degrees, env [n x numEnvFeatures()] normalised
     * (ignored when numEnvFeatures() is 0), species indices (empty = all). Writes
     * out[n x species.size()] row-major. Locations flagged invalid (non-finite) must be filtered by
     * the caller. Batches internally.
     */
    void predict(const float* lonLat, const float* env, std::int64_t n,
                 const std::vector<std::int64_t>& species, float* out,
                 OutputKind kind = OutputKind::Probability) const;

    /** Size of the learned feature vector embed() writes per location (the network's trunk
     *  output before the species head: 256 for SINR's ResidualFCNet). */
    std::int64_t embeddingDim() const;

    /**
     * The model's learned features (SINR's `return_feats` embedding, science.md §3.1, §5.6) for n
     * locations; inputs as predict(). Writes out[n x embeddingDim()] row-major. Thread-safe and
     * batched like predict(); the species head is not evaluated.
     */
    void embed(const float* lonLat, const float* env, std::int64_t n, float* out) const;

    struct Impl;

  private:
    explicit Predictor(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace geoinr::core
