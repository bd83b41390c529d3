package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void keysBecomeStarsWhateverTheirEncoding() {
        assertEquals("/bc/x/api/v2.0/companies(*)/customers(*)",
                AccessLog.template("/bc/x/api/v2.0/companies(5a1b)/customers%28c2%29"));
        assertEquals("/bc/x/ODataV4/Company(*)/Customer", AccessLog.template("/bc/x/ODataV4/Company('CRONUS%20USA')/Customer"));
        assertEquals("/bc/x/api/v2.0/companies", AccessLog.template("/bc/x/api/v2.0/companies"));
    }
}
