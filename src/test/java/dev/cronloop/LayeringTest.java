package dev.cronloop;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.sql.SQLException;

/**
 * The intended shape of the code (STYLE.md §1), as ArchUnit rules over the main classes: model
 * depends on nothing but definition; schedule and definition are pure; only bridge touches
 * Quartz; only record (and bridge, for Quartz's JDBC job store) uses JDBC, while the top (cli,
 * Engine) may read an SQLException; server and cli sit on top. Each rule was seen to fail on a
 * violating import before it was trusted. Rules say "depend", not "import": ArchUnit reads the
 * compiled classes, so a fully qualified name or a caught exception counts as well.
 */
@AnalyzeClasses(packages = "dev.cronloop", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  static final String MODEL = "dev.cronloop.model..";
  static final String SCHEDULE = "dev.cronloop.schedule..";
  static final String DEFINITION = "dev.cronloop.definition..";
  static final String BRIDGE = "dev.cronloop.bridge..";
  static final String FETCH = "dev.cronloop.fetch..";
  static final String RECORD = "dev.cronloop.record..";
  static final String SERVER = "dev.cronloop.server..";
  static final String CLI = "dev.cronloop.cli..";
  static final String NOTIFY = "dev.cronloop.notify..";
  static final String[] VERTX = {"io.vertx.."};
  static final String[] JDBC = {"java.sql..", "javax.sql.."};
  static final String[] QUARTZ = {"org.quartz.."};

  /** The values every layer shares; Fire carries the job it fires, hence definition. */
  @ArchTest
  static final ArchRule model_depends_on_nothing_but_definition =
      classes().that().resideInAPackage(MODEL)
          .should().onlyDependOnClassesThat().resideInAnyPackage(MODEL, DEFINITION, "java..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule schedule_and_definition_are_pure =
      noClasses().that().resideInAnyPackage(SCHEDULE, DEFINITION)
          .should().dependOnClassesThat().resideInAnyPackage(concat(VERTX, JDBC, QUARTZ))
          .because("fire times and job files are computed and read without an event loop, a"
              + " database or a scheduler, so they are tested as plain code");

  @ArchTest
  static final ArchRule only_bridge_touches_quartz =
      noClasses().that().resideOutsideOfPackage(BRIDGE)
          .and().doNotHaveFullyQualifiedName(Engine.class.getName())
          .should().dependOnClassesThat().resideInAnyPackage(QUARTZ)
          .because("bridge is where Quartz meets the engine; Engine still builds the Quartz"
              + " scheduler's settings and starts it until that setup moves to bridge (issue 15,"
              + " item 2), so it is the one exception");

  @ArchTest
  static final ArchRule only_record_and_bridge_use_jdbc =
      noClasses().that().resideOutsideOfPackages(RECORD, BRIDGE)
          .should().dependOnClassesThat(resideInAnyPackage(JDBC).and(not(equivalentTo(SQLException.class))))
          .because("record owns the outcome tables; bridge lends the pool to Quartz's JDBC job"
              + " store and holds a PostgreSQL advisory lock per shard in a cluster");

  @ArchTest
  static final ArchRule only_the_top_reads_sql_failures =
      noClasses().that().resideOutsideOfPackages(RECORD, BRIDGE, CLI, "dev.cronloop")
          .should().dependOnClassesThat().resideInAnyPackage(JDBC)
          .because("cli reads SQLException causes (SQL state, driver message) to word a start-up"
              + " failure, and Engine lets the SQLException of start-up steps (job versions,"
              + " cluster repair) through; the layers between see no JDBC type at all");

  /**
   * Which layer may use which: {@code cli → root → {server, bridge, fetch, notify, record, definition,
   * schedule}}, with model shared below them all. Only dependencies between these layers count;
   * in ArchUnit 1.x "access" means any dependency (imports, fields, signatures, calls).
   */
  @ArchTest
  static final ArchRule layers_point_one_way =
      layeredArchitecture().consideringOnlyDependenciesInLayers()
          .layer("cli").definedBy(CLI)
          .layer("root").definedBy("dev.cronloop")
          .layer("server").definedBy(SERVER)
          .layer("bridge").definedBy(BRIDGE)
          .layer("fetch").definedBy(FETCH)
          .layer("record").definedBy(RECORD)
          .layer("notify").definedBy(NOTIFY)
          .layer("definition").definedBy(DEFINITION)
          .layer("schedule").definedBy(SCHEDULE)
          .optionalLayer("model").definedBy(MODEL)
          .whereLayer("cli").mayNotBeAccessedByAnyLayer()
          .whereLayer("root").mayOnlyBeAccessedByLayers("cli")
          .whereLayer("server").mayOnlyAccessLayers("definition", "fetch", "model", "record", "schedule")
          .whereLayer("bridge").mayOnlyAccessLayers("definition", "fetch", "model", "record", "schedule")
          .whereLayer("fetch").mayOnlyAccessLayers("definition", "model", "record", "schedule")
          .whereLayer("record").mayOnlyAccessLayers("model")
          .whereLayer("notify").mayOnlyAccessLayers("definition", "model", "record")
          .whereLayer("definition").mayOnlyAccessLayers("schedule")
          .whereLayer("schedule").mayNotAccessAnyLayer()
          .whereLayer("model").mayOnlyAccessLayers("definition");

  private static String[] concat(String[]... groups) {
    return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
