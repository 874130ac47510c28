package io.casetrail.platform.store;

import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;

/**
 * The service's store: the one active datasource. Every service declares two datasources at build time,
 * {@code h2} (embedded, file mode, the default for local runs) and {@code pg} (PostgreSQL, production), and
 * configuration activates exactly one of them at run time ({@code quarkus.datasource."pg".active=true}, or the
 * {@code pg} profile). Event store, token store, deadlines, idempotency records and read models all live there.
 */
@ApplicationScoped
public class StoreDataSource {

    @Produces
    @Singleton
    @Typed(DataSource.class)
    DataSource activeDataSource(@Any InjectableInstance<AgroalDataSource> dataSources) {
        List<AgroalDataSource> active = dataSources.listActive();
        if (active.size() != 1) {
            throw new IllegalStateException("Exactly one datasource must be active (h2 or pg); found " + active.size()
                    + ". Set quarkus.datasource.\"pg\".active=true and quarkus.datasource.\"h2\".active=false"
                    + " (or run with the pg profile) to use PostgreSQL.");
        }
        return active.get(0);
    }
}
