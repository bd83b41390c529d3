package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathGuardTest {

    /** Issue 16 section 4: encoded control characters reached BC although raw ones were refused. */
    @ParameterizedTest
    @ValueSource(strings = { "api/v2.0/companies%0d%0aX-Injected:%20yes", "api/v2.0/companies%0D%0A", "api%09/v2.0",
            "api/v2.0/companies%0a", "api/v2.0/companies%7f", "api/v2.0/companies%7F", "api/%00", "api/%1f/x",
            "api/%1F", "api/%08", "api/%20%0d", "api/%%0d" })
    void encodedControlCharactersAreRefused(String rest) {
        assertEquals("the path contains an encoded control character", PathGuard.rejectPath(rest));
    }

    @ParameterizedTest
    @ValueSource(strings = { "api%2fv2.0", "api%2Fv2.0", "api%5cv2.0", "api%5C" })
    void encodedSlashesAndBackslashesAreRefused(String rest) {
        assertEquals("the path contains an encoded slash or backslash", PathGuard.rejectPath(rest));
    }

    @ParameterizedTest
    @ValueSource(strings = { "api/v2.0/companies", "api/v2.0/companies(1)/items%20x", "api/%7e/%41%2e", "api/%",
            "api/%0", "api/%zz", "api/%e2%82%ac", "api/%80%9f" })
    void otherEscapesAndStrayPercentSignsPass(String rest) {
        assertNull(PathGuard.rejectPath(rest));
    }
}
