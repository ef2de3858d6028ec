package io.relaycast.sfu.srtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;

import org.testng.annotations.Test;

public class SrtpCryptoSetupTest {

    @Test
    public void resolutionPrefersOpenSslOnlyWhenItLoaded() {
        assertEquals(SrtpCryptoSetup.resolve(SrtpCryptoBackend.AUTO, true), SrtpCryptoBackend.OPENSSL);
        assertEquals(SrtpCryptoSetup.resolve(SrtpCryptoBackend.AUTO, false), SrtpCryptoBackend.JCE);
        assertEquals(SrtpCryptoSetup.resolve(SrtpCryptoBackend.OPENSSL, true), SrtpCryptoBackend.OPENSSL);
        assertEquals(SrtpCryptoSetup.resolve(SrtpCryptoBackend.OPENSSL, false), SrtpCryptoBackend.JCE);
        assertEquals(SrtpCryptoSetup.resolve(SrtpCryptoBackend.JCE, true), SrtpCryptoBackend.JCE);
    }

    @Test
    public void factoryNamesAreTheOnesJitsiSrtpKnows() {
        // jitsi-srtp expands these to org.jitsi.srtp.crypto.Aes$<name>CipherFactory.
        assertEquals(SrtpCryptoSetup.factoryName(SrtpCryptoBackend.OPENSSL), "OpenSSL");
        assertEquals(SrtpCryptoSetup.factoryName(SrtpCryptoBackend.JCE), "SunJCE");
        assertThrows(IllegalArgumentException.class, () -> SrtpCryptoSetup.factoryName(SrtpCryptoBackend.AUTO));
    }

    @Test
    public void backendIsFrozenOnceSessionsExist() {
        new SrtpSession(SrtpSessionTest.randomKeys(SrtpProfile.SRTP_AEAD_AES_128_GCM, 1), SrtpRole.SERVER).close();
        SrtpCryptoBackend effective = SrtpCryptoSetup.effective();
        assertEquals(SrtpCryptoSetup.configure(effective), effective, "re-asking for the same backend is fine");
        if (SrtpCryptoSetup.openSslAvailable()) {
            SrtpCryptoBackend other = effective == SrtpCryptoBackend.OPENSSL
                    ? SrtpCryptoBackend.JCE : SrtpCryptoBackend.OPENSSL;
            assertThrows(IllegalStateException.class, () -> SrtpCryptoSetup.configure(other));
        } else {
            assertEquals(effective, SrtpCryptoBackend.JCE);
            assertEquals(SrtpCryptoSetup.configure(SrtpCryptoBackend.OPENSSL), SrtpCryptoBackend.JCE);
        }
    }
}
