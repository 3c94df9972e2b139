// SPDX-License-Identifier: MIT
// Expecting a geoinr::InvalidArgument and reading its message in tests.
#pragma once

#include <geoinr/core/error.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace geoinr::test
{

/** The message of the InvalidArgument `fn` throws; records a test failure otherwise. */
inline std::string invalidArgumentMessage(const std::function<void()>& fn)
{
    try
    {
        fn();
    }
    catch (const geoinr::InvalidArgument& e)
    {
        return e.what();
    }
    catch (const std::exception& e)
    {
        ADD_FAILURE() << "expected geoinr::InvalidArgument, got another exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected geoinr::InvalidArgument, nothing was thrown";
    return {};
}

} // namespace geoinr::test
