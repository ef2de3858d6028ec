package io.relaycast.web.media;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.signaling.error.ServiceException;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

import static org.testng.Assert.assertEquals;

/** The SFU's refusal codes become HTTP statuses a WHIP/WHEP client can act on, with the code kept on the wire. */
public class SdpHttpTest {

    @DataProvider
    public Object[][] codes() {
        return new Object[][] {
                {"SDP_MALFORMED", 400},
                {"NO_COMMON_CODEC", 400},
                {"INVALID_CANDIDATE", 400},
                {"INVALID_ICE_CREDENTIALS", 400},
                {"UNKNOWN_PEER", 404},
                {"NOT_PUBLISHED", 409},
                {"MEDIA_UNAVAILABLE", 503},
        };
    }

    @Test(dataProvider = "codes")
    public void mapsMediaCodesToStatuses(String code, int status) {
        ServiceException e = SdpHttp.toHttp(new MediaException(code, "why"));
        assertEquals(e.wireCode(), code);
        assertEquals(e.code().httpStatus(), status);
    }
}
