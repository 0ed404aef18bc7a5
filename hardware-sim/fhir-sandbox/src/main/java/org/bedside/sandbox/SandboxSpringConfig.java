package org.bedside.sandbox;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The HAPI FHIR JPA server (R4) as a plain Spring context, without Spring Boot. HAPI's own configurations supply
 * the DAOs, resource providers, terminology and validation services; this class adds the beans they expect the
 * application to provide. Each import was found necessary by leaving it out (design note: fhir-sandbox.md).
 *
 * <p>The {@link SandboxOptions.Database} bean must be registered before this configuration is refreshed.
 */
@Configuration
@Import({
    JpaR4Config.class, // FhirContext R4, generated DAOs and resource providers, JpaConfig and the validator
    HapiJpaConfig.class, // paging provider, IResourceSupportedSvc, fulltext service
    JpaBatch2Config.class, // IJobCoordinator, which the terminology service needs
    Batch2JobsConfig.class, // batch job definitions ($reindex, bulk export...)
    SubscriptionChannelConfig.class, // IBrokerClient, which JpaBatch2Config needs
    ThreadPoolFactoryConfig.class // ThreadPoolFactory, which the transaction processor needs
})
public class SandboxSpringConfig {

    @Bean(destroyMethod = "close")
    public BasicDataSource dataSource(SandboxOptions.Database database) {
        var ds = new BasicDataSource();
        ds.setDriver(new org.h2.Driver());
        ds.setUrl(database.jdbcUrl());
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaxTotal(10);
        return ds;
    }

    @Bean
    public JpaStorageSettings storageSettings() {
        var settings = new JpaStorageSettings();
        // By default identical searches reuse results for 60 s, so a test that counts before and after a write
        // would see the old count. A sandbox must show its latest writes.
        settings.setReuseCachedSearchResultsForMillis(null);
        // No Quartz schedulers: the background jobs (stale-search cleanup, batch2 maintenance, reindexing) are not
        // needed for a short-lived single-node test server, and they cost startup time and threads.
        settings.setSchedulingDisabled(true);
        return settings;
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings,
            DataSource dataSource) {
        // HAPI's factory sets the entity packages and its Hibernate integrations.
        var emf = HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        emf.setPersistenceUnitName("HAPI_PU");
        emf.setDataSource(dataSource);
        var jpa = new Properties();
        jpa.put("hibernate.dialect", HapiFhirH2Dialect.class.getName());
        // Creates the schema on first start and keeps a file database's schema as it is afterwards.
        jpa.put("hibernate.hbm2ddl.auto", "update");
        // Both Lucene and Elasticsearch backends are on the classpath; without this the factory fails with
        // HSEARCH000582 (ambiguous backend). Fulltext search (_text, _content) is not needed here.
        jpa.put("hibernate.search.enabled", "false");
        emf.setJpaProperties(jpa);
        return emf;
    }

    @Bean
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }

    @Bean
    public RestfulServer restfulServer(
            FhirContext fhirContext,
            ResourceProviderFactory resourceProviders,
            JpaSystemProvider<Bundle, Meta> systemProvider,
            IFhirSystemDao<Bundle, Meta> systemDao,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry,
            IValidationSupport validationSupport,
            DatabaseBackedPagingProvider pagingProvider) {
        var server = new RestfulServer(fhirContext);
        server.registerProviders(resourceProviders.createProviders());
        // System level: transaction and batch Bundles POSTed to the base URL.
        server.registerProvider(systemProvider);
        server.setPagingProvider(pagingProvider);
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport));
        return server;
    }
}
