package io.relaycast.sfu.ice;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

import java.net.InetAddress;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;

public class IpLiteralTest {

    @Test
    public void parsesLiterals() throws Exception {
        assertEquals(IpLiteral.parse("192.0.2.1"), InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}));
        assertEquals(IpLiteral.parse("0.0.0.0").getHostAddress(), "0.0.0.0");
        assertEquals(IpLiteral.parse("255.255.255.255").getHostAddress(), "255.255.255.255");
        assertEquals(IpLiteral.parse("2001:db8::1").getHostAddress(), "2001:db8:0:0:0:0:0:1");
        assertEquals(IpLiteral.parse("::1"), InetAddress.getByName("::1"));
    }

    @DataProvider
    public Object[][] notLiterals() {
        return new Object[][] {
                {null}, {""}, {"999.0.2.1"}, {"192.0.2"}, {"192.0.2.1.5"}, {"192..2.1"}, {"192.0.2."}, {".192.0.2"},
                {"a.b.c.d"}, {"localhost"}, {"example.com"}, {"3f1c7a52.local"}, {"::g"}, {"1:2:3:4:5:6:7:8:9"},
                {"[::1]"}, {"192.0.2.1 "},
        };
    }

    @Test(dataProvider = "notLiterals")
    public void refusesWhatIsNotALiteralWithoutResolvingIt(String s) {
        assertNull(IpLiteral.parse(s), String.valueOf(s));
    }
}
