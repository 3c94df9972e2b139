// SPDX-License-Identifier: MIT
// What the running process uses: GeoINR and LibTorch versions, BLAS library, threads, CUDA.
#pragma once

#include <string>

namespace geoinr::core
{

/** GeoINR version, e.g. "0.1.0". */
std::string geoinrVersion();

/** LibTorch version the library was compiled against, e.g. "1.13.1". */
std::string torchVersion();

/** Resolved path of the BLAS library that serves sgemm_ (tells OpenBLAS from reference BLAS). */
std::string blasLibrary();

/**
 * What serves the float32 GEMMs of training on CPU: "oneDNN <version> (<ISA>)" when GeoINR was
 * built with oneDNN, else "LibTorch BLAS". Inference always uses LibTorch's BLAS.
 */
std::string trainingGemmLibrary();

/** Whether training GEMMs run on oneDNN (built with it, and not GEOINR_TRAINING_GEMM=libtorch). */
bool trainingGemmsOnOneDnn();

/**
 * LibTorch threads for training when the user sets none. With oneDNN GEMMs every core: they share
 * LibTorch's OpenMP pool. Without, half the cores: OpenBLAS runs its own pool on all of them and
 * more LibTorch threads on top oversubscribe (on 2 cores, 2 threads trained 2x slower than 1).
 */
int defaultTrainingThreads();

/** Number of LibTorch intra-op threads. */
int torchThreads();

/** Whether a CUDA device is usable. */
bool cudaAvailable();

/**
 * Lets glibc keep large freed blocks for reuse (mmap threshold 1 GiB). Training allocates and frees
 * the same [2B, S] logit and gradient buffers every step; served by fresh mmaps, their page faults
 * cost a quarter of a step at 10,000 species. Process-wide: call it from programs (CLI,
 * benchmarks), not from library code running inside other people's processes.
 */
void reuseLargeAllocations();

/**
 * Pins LibTorch's intra-op threads and OpenBLAS (when it serves sgemm) to one thread, process-wide.
 * Prediction on grids calls it and runs tiles on several threads instead: BLAS kernels and
 * vectorised loops split work differently for other thread counts, and the last bits of a pixel
 * would then depend on the machine and the program (CLI, GDAL driver, QGIS) that computes it.
 */
void useSingleThreadedMath();

/** Whether useSingleThreadedMath() was called. */
bool singleThreadedMath();

/** After useSingleThreadedMath(): pins the calling thread too (Predictor::predict calls it). */
void pinCallingThreadIfSingleThreaded();

} // namespace geoinr::core
