// SPDX-License-Identifier: MIT
#include "commands.h"

#include <geoinr/core/runtime_info.h>

#include <fmt/format.h>
#include <gdal.h>
#include <proj.h>

namespace geoinr::cli
{

std::string versionReport()
{
    return fmt::format("geoinr {}\n"
                       "LibTorch {} (intra-op threads: {}, CUDA: {})\n"
                       "BLAS: {}\n"
                       "training GEMMs: {}\n"
                       "GDAL {}, PROJ {}\n",
                       core::geoinrVersion(), core::torchVersion(), core::torchThreads(),
                       core::cudaAvailable() ? "available" : "not available", core::blasLibrary(),
                       core::trainingGemmLibrary(), GDALVersionInfo("RELEASE_NAME"),
                       proj_info().version);
}

} // namespace geoinr::cli
