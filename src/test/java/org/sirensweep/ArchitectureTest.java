package org.sirensweep;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout is the architecture: packages layered cli → (report, spark, bench: none uses another) → store → sweep
 * → trial → files → train → cuda → model → image, nothing pointing upward; only {@code files} uses Hadoop's
 * FileSystem; only {@code spark} uses Spark (neither the results store nor the report does); the GPU backend ({@code
 * cuda}) uses no ND4J, so it runs where ND4J's natives are not (the GPU check).
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.sirensweep");
    }

    @Test
    void layersPointDownwardOnly() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("cli")
                .definedBy("org.sirensweep.cli..")
                .layer("report")
                .definedBy("org.sirensweep.report..")
                .layer("spark")
                .definedBy("org.sirensweep.spark..")
                .layer("store")
                .definedBy("org.sirensweep.store..")
                .layer("bench")
                .definedBy("org.sirensweep.bench..")
                .layer("sweep")
                .definedBy("org.sirensweep.sweep..")
                .layer("trial")
                .definedBy("org.sirensweep.trial..")
                .layer("files")
                .definedBy("org.sirensweep.files..")
                .layer("train")
                .definedBy("org.sirensweep.train..")
                .layer("cuda")
                .definedBy("org.sirensweep.cuda..")
                .layer("model")
                .definedBy("org.sirensweep.model..")
                .layer("image")
                .definedBy("org.sirensweep.image..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("report")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("spark")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("store")
                .mayOnlyBeAccessedByLayers("cli", "report", "spark")
                .whereLayer("bench")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("sweep")
                .mayOnlyBeAccessedByLayers("cli", "report", "spark", "store")
                .whereLayer("trial")
                .mayOnlyBeAccessedByLayers("cli", "report", "spark", "store", "bench", "sweep")
                .whereLayer("files")
                .mayOnlyBeAccessedByLayers("cli", "report", "spark", "store", "bench", "sweep", "trial")
                .whereLayer("train")
                .mayOnlyBeAccessedByLayers("cli", "report", "spark", "store", "bench", "sweep", "trial")
                .whereLayer("cuda")
                .mayOnlyBeAccessedByLayers("cli", "report", "spark", "store", "bench", "sweep", "trial", "train")
                .whereLayer("model")
                .mayOnlyBeAccessedByLayers(
                        "cli", "report", "spark", "store", "bench", "sweep", "trial", "train", "cuda")
                .check(classes);
    }

    @Test
    void onlyTheFilesPackageUsesHadoopsFileSystem() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.sirensweep.files..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.apache.hadoop.fs.FileSystem")
                .check(classes);
    }

    @Test
    void onlyTheSparkPackageUsesSpark() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.sirensweep.spark..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.spark..")
                .check(classes);
    }

    @Test
    void theGpuBackendUsesNoNd4j() {
        noClasses()
                .that()
                .resideInAPackage("org.sirensweep.cuda..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.nd4j..", "org.bytedeco..")
                .check(classes);
    }
}
