package io.relaycast.signaling.testing;

import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;

/**
 * Base of the service tests that must pass on PostgreSQL and on H2 alike: each subclass has a
 * {@code @Factory(dataProvider = "engines")} constructor, so TestNG runs its whole class once per engine with
 * fresh {@link Services} over a real database.
 */
public abstract class OnBothEngines {
    protected final String engine;
    protected Services s;

    protected OnBothEngines(String engine) {
        this.engine = engine;
    }

    @DataProvider
    public static Object[][] engines() {
        return TestDatabases.both();
    }

    @BeforeClass
    public void open() {
        s = new Services(TestDatabases.open(engine), 0);
    }

    @AfterClass(alwaysRun = true)
    public void close() {
        s.close();
    }
}
