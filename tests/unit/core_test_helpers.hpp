// Shared helpers for the core's GoogleTest files (header only; not a test).
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <utility>

#include "errors.hpp"

namespace ipto_test {

// Succeeds when f() throws ipto::Error of `kind` whose field() is `field`.
template <typename F>
::testing::AssertionResult ThrowsIptoError(F&& f, ipto::ErrorKind kind, const std::string& field) {
    try {
        std::forward<F>(f)();
    } catch (const ipto::Error& e) {
        if (e.kind() != kind) {
            return ::testing::AssertionFailure()
                   << "threw " << ipto::error_info(e.kind()).code << " (\"" << e.what() << "\"), expected "
                   << ipto::error_info(kind).code;
        }
        if (e.field() != field) {
            return ::testing::AssertionFailure()
                   << "threw " << ipto::error_info(kind).code << " naming field \"" << e.field()
                   << "\", expected field \"" << field << "\" (message: " << e.what() << ")";
        }
        if (std::string(e.what()).empty()) {
            return ::testing::AssertionFailure() << "error has an empty message";
        }
        return ::testing::AssertionSuccess();
    } catch (const std::exception& e) {
        return ::testing::AssertionFailure() << "threw a non-ipto exception: " << e.what();
    } catch (...) {
        return ::testing::AssertionFailure() << "threw something that is not a std::exception";
    }
    return ::testing::AssertionFailure() << "did not throw; expected " << ipto::error_info(kind).code
                                         << " naming field \"" << field << "\"";
}

// Any ipto::Error of `kind`, whatever the field.
template <typename F>
::testing::AssertionResult ThrowsIptoKind(F&& f, ipto::ErrorKind kind) {
    try {
        std::forward<F>(f)();
    } catch (const ipto::Error& e) {
        if (e.kind() != kind) {
            return ::testing::AssertionFailure()
                   << "threw " << ipto::error_info(e.kind()).code << " (\"" << e.what() << "\"), expected "
                   << ipto::error_info(kind).code;
        }
        return ::testing::AssertionSuccess();
    } catch (const std::exception& e) {
        return ::testing::AssertionFailure() << "threw a non-ipto exception: " << e.what();
    } catch (...) {
        return ::testing::AssertionFailure() << "threw something that is not a std::exception";
    }
    return ::testing::AssertionFailure() << "did not throw; expected " << ipto::error_info(kind).code;
}

}  // namespace ipto_test
