// SPDX-License-Identifier: MIT
// Why: the machines GeoINR trains on often have AVX-512 while the system OpenBLAS runs an AVX2
// kernel (Debian's 0.3.21, or OPENBLAS_CORETYPE pinned for reproducibility). oneDNN picks its
// kernel from the CPU at run time; on the 2-core development machine its sgemm runs the thin
// training shapes ([4096 x 256] x [256 x S]) at ~2x OpenBLAS's rate.
#include "fast_linear.h"

#include <geoinr/core/runtime_info.h>

#if defined(GEOINR_HAVE_DNNL)
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <stdexcept>
#include <string>
#include <thread>

namespace geoinr::core::networks
{
namespace
{

#if defined(GEOINR_HAVE_DNNL)

/**
 * Threads for one GEMM: what OpenBLAS would use (all cores, or OPENBLAS_NUM_THREADS), and one after
 * useSingleThreadedMath(). oneDNN runs on OpenMP, whose count is per calling thread: LibTorch's
 * intra-op setting (often 1 during training, to keep OpenBLAS's pool uncontested) must not cap it.
 */
int gemmThreads()
{
    if (singleThreadedMath())
    {
        return 1;
    }
    using GetThreads = int (*)();
    static auto* const get =
        reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    if (get != nullptr)
    {
        return std::max(1, get()); // asked each time: useSingleThreadedMath() may have changed it
    }
    return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

/** Row-major C[m x n] = op(A) op(B) + beta C, on `gemmThreads()` OpenMP threads. */
void dnnlSgemm(char transA, char transB, std::int64_t m, std::int64_t n, std::int64_t k,
               const float* a, std::int64_t lda, const float* b, std::int64_t ldb, float beta,
               float* c, std::int64_t ldc)
{
    if (m == 0 || n == 0)
    {
        return; // oneDNN rejects empty matrices; there is nothing to write
    }
    if (k == 0) // C = beta C
    {
        for (std::int64_t i = 0; i < m; ++i)
        {
            for (std::int64_t j = 0; j < n; ++j)
            {
                c[i * ldc + j] = beta == 0.0F ? 0.0F : beta * c[i * ldc + j];
            }
        }
        return;
    }
    const int previous = omp_get_max_threads();
    const int threads = gemmThreads();
    omp_set_num_threads(threads);
    const auto status = dnnl_sgemm(transA, transB, m, n, k, 1.0F, a, lda, b, ldb, beta, c, ldc);
    omp_set_num_threads(previous);
    if (status != dnnl_success)
    {
        throw std::runtime_error("oneDNN sgemm failed with status " +
                                 std::to_string(static_cast<int>(status)));
    }
}

/** y = x W^T + b with oneDNN; backward dx = g W, dW = g^T x, db = column sums of g. */
class DnnlLinearFunction : public torch::autograd::Function<DnnlLinearFunction>
{
  public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                                 const torch::Tensor& weight, const torch::Tensor& bias)
    {
        const auto x = input.contiguous();
        const auto w = weight.contiguous();
        const bool hasBias = bias.numel() > 0;
        ctx->save_for_backward({x, w});
        ctx->saved_data["bias"] = hasBias;
        return linearOutput(x, w, hasBias ? bias.expand({x.size(0), w.size(0)}) : torch::Tensor());
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];
        const auto& w = saved[1];
        const auto g = gradOutputs[0].contiguous();
        torch::Tensor dx, dw, db;
        if (ctx->needs_input_grad(0))
        {
            dx = linearInputGrad(g, w);
        }
        if (ctx->needs_input_grad(1))
        {
            dw = linearWeightGrad(g, x);
        }
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2))
        {
            db = g.sum(0);
        }
        return {dx, dw, db};
    }
};

/** GEOINR_TRAINING_GEMM=libtorch turns the oneDNN path off (to compare with LibTorch's BLAS). */
bool disabledByEnvironment()
{
    static const bool disabled = []
    {
        const char* v = std::getenv("GEOINR_TRAINING_GEMM");
        return v != nullptr && std::string(v) == "libtorch";
    }();
    return disabled;
}

bool fastPath(const torch::Tensor& x, const torch::nn::LinearImpl& layer)
{
    // A shape mismatch takes LibTorch's path too, which reports it (oneDNN would read past x).
    return !disabledByEnvironment() && torch::GradMode::is_enabled() && x.dim() == 2 &&
           layer.weight.dim() == 2 && x.size(1) == layer.weight.size(1) && x.is_cpu() &&
           x.scalar_type() == torch::kFloat32 && layer.weight.scalar_type() == torch::kFloat32 &&
           layer.weight.is_cpu() && (x.requires_grad() || layer.weight.requires_grad());
}

#endif

} // namespace

bool trainingGemmApplies(const torch::Tensor& x, const torch::nn::LinearImpl& layer)
{
#if defined(GEOINR_HAVE_DNNL)
    return fastPath(x, layer);
#else
    (void)x;
    (void)layer;
    return false;
#endif
}

namespace
{

/** C [m x n] = op(A) op(B) (+ init): A, B contiguous row-major; 'T' reads the stored transpose. */
torch::Tensor product(char transA, char transB, const torch::Tensor& a, const torch::Tensor& b,
                      std::int64_t m, std::int64_t n, std::int64_t k, const torch::Tensor& init)
{
#if defined(GEOINR_HAVE_DNNL)
    auto c = init.defined() ? init.clone(torch::MemoryFormat::Contiguous)
                            : torch::empty({m, n}, a.options());
    dnnlSgemm(transA, transB, m, n, k, a.data_ptr<float>(), a.size(1), b.data_ptr<float>(),
              b.size(1), init.defined() ? 1.0F : 0.0F, c.data_ptr<float>(), n);
    return c;
#else
    (void)transA, (void)transB, (void)a, (void)b, (void)m, (void)n, (void)k, (void)init;
    throw std::logic_error("training GEMMs: GeoINR was built without oneDNN");
#endif
}

} // namespace

torch::Tensor linearOutput(const torch::Tensor& x, const torch::Tensor& w,
                           const torch::Tensor& init)
{
    return product('N', 'T', x, w, x.size(0), w.size(0), x.size(1), init);
}

torch::Tensor linearInputGrad(const torch::Tensor& g, const torch::Tensor& w,
                              const torch::Tensor& init)
{
    return product('N', 'N', g, w, g.size(0), w.size(1), g.size(1), init);
}

torch::Tensor linearWeightGrad(const torch::Tensor& g, const torch::Tensor& x)
{
    return product('T', 'N', g, x, g.size(1), x.size(1), g.size(0), torch::Tensor());
}

torch::Tensor linear(const torch::Tensor& x, torch::nn::LinearImpl& layer)
{
#if defined(GEOINR_HAVE_DNNL)
    if (fastPath(x, layer))
    {
        // LibTorch 1.13's Function::apply rejects undefined inputs: "no bias" is an empty tensor.
        const auto& bias = layer.bias.defined() ? layer.bias : torch::empty({0}, x.options());
        return DnnlLinearFunction::apply(x, layer.weight, bias);
    }
#endif
    return layer.forward(x);
}

} // namespace geoinr::core::networks

namespace geoinr::core
{

bool trainingGemmsOnOneDnn()
{
#if defined(GEOINR_HAVE_DNNL)
    return !networks::disabledByEnvironment();
#else
    return false;
#endif
}

std::string trainingGemmLibrary()
{
#if defined(GEOINR_HAVE_DNNL)
    if (!trainingGemmsOnOneDnn())
    {
        return "LibTorch BLAS (GEOINR_TRAINING_GEMM=libtorch)";
    }
    const auto* v = dnnl_version();
    std::string isa;
    switch (dnnl_get_effective_cpu_isa())
    {
    case dnnl_cpu_isa_avx2:
    case dnnl_cpu_isa_avx2_vnni:
        isa = "AVX2";
        break;
    case dnnl_cpu_isa_avx512_core:
    case dnnl_cpu_isa_avx512_core_vnni:
    case dnnl_cpu_isa_avx512_core_bf16:
    case dnnl_cpu_isa_avx512_core_amx:
        isa = "AVX-512";
        break;
    default:
        isa = "ISA " + std::to_string(static_cast<int>(dnnl_get_effective_cpu_isa()));
    }
    return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
           std::to_string(v->patch) + " (" + isa + ")";
#else
    return "LibTorch BLAS";
#endif
}

} // namespace geoinr::core
