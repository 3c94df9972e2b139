// SPDX-License-Identifier: MIT
// GeoINR's exception types: core/ and rasters/ throw these; front ends translate them.
#pragma once

#include <stdexcept>
#include <string>

namespace geoinr
{

/** Base of every error GeoINR throws on purpose. Messages name the bad value and what was expected.
 */
class Error : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/** A configuration value, argument or input row is invalid. */
class InvalidArgument : public Error
{
  public:
    using Error::Error;
};

/** A file could not be read or written. */
class IoError : public Error
{
  public:
    using Error::Error;
};

/** A checkpoint is corrupt, of an unknown version, or inconsistent. */
class CheckpointError : public Error
{
  public:
    using Error::Error;
};

/** Work was cancelled through a progress sink. */
class Cancelled : public Error
{
  public:
    using Error::Error;
};

} // namespace geoinr
