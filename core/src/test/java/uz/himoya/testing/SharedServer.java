package uz.himoya.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The layout before issue 11 moved the demo apps' data out: schema demo_app inside Himoya's own database, and
 * the demo store's connection pointed at that server ({@link PostgresResource} reads the profile). Only for the
 * tests of workflows that still run the app's SQL on Himoya's connection (retention sweeps and breach
 * resolution, being moved onto the store's connection); each such test says so, and goes back to the
 * separate servers when its workflow has moved. Nothing else may use it. A test with a profile of its own
 * extends this one.
 */
public class SharedServer implements QuarkusTestProfile {

    /** Whether the named test profile (null: none) is this one or extends it. */
    static boolean uses(String profile) {
        if (profile == null) {
            return false;
        }
        // Quarkus loads test classes in class loaders of its own: compare within the loader that sees the profile.
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                SharedServer.class.getClassLoader()}) {
            try {
                return Class.forName(SharedServer.class.getName(), false, loader)
                        .isAssignableFrom(Class.forName(profile, false, loader));
            } catch (ClassNotFoundException e) {
                // not visible from this loader: try the next
            }
        }
        throw new IllegalStateException("test profile " + profile + " is not on the test class path");
    }
}
