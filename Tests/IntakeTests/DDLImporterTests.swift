import JembatanShared
import Testing

@testable import Intake

@Suite("SQL DDL import")
struct DDLImporterTests {
    /// A health office's own schema: PostgreSQL and MySQL flavours, comments, odd types, constraints.
    static let ddl = """
        -- Skema SIMPUS Dinas Kesehatan
        CREATE TABLE IF NOT EXISTS public.puskesmas (
            kode_puskesmas varchar(12) PRIMARY KEY,      -- kode Kemenkes
            nama_puskesmas character varying(120) NOT NULL,
            kode_wilayah char(13) NOT NULL REFERENCES wilayah(kode),
            jenis text CHECK (jenis IN ('rawat_inap', 'non_rawat_inap')),
            jumlah_dokter smallint,
            lokasi geometry(Point, 4326),
            aktif boolean DEFAULT true,
            diperbarui timestamp with time zone
        );
        /* kunjungan per bulan,
           diisi tiap tanggal 5 */
        CREATE TABLE `kunjungan` (
          `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
          `kode_puskesmas` varchar(12) NOT NULL COMMENT 'puskesmas yang melapor',
          `bulan` date NOT NULL,
          `jumlah` int(11) NOT NULL DEFAULT '0',
          `status` enum('draft','final') NOT NULL,
          `biaya` decimal(14,2) DEFAULT NULL,
          PRIMARY KEY (`id`),
          KEY `idx_bulan` (`bulan`),
          CONSTRAINT `fk_puskesmas` FOREIGN KEY (`kode_puskesmas`) REFERENCES `puskesmas` (`kode_puskesmas`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        CREATE INDEX kunjungan_bulan ON kunjungan (bulan);
        """

    @Test("every table becomes a dataset with typed fields, keys, enumerations and references")
    func importsTables() throws {
        let result = DDLImporter.importDefinitions(Self.ddl)
        #expect(result.datasets.map(\.name) == ["puskesmas", "kunjungan"])
        let puskesmas = result.datasets[0]
        #expect(puskesmas.primaryKey == ["kode_puskesmas"])
        #expect(
            puskesmas.fields.map(\.name) == [
                "kode_puskesmas", "nama_puskesmas", "kode_wilayah", "jenis", "jumlah_dokter", "lokasi", "aktif",
                "diperbarui",
            ])
        #expect(
            puskesmas.fields.map(\.type) == [
                "string", "string", "string", "text", "integer", "geometry(point, 4326)", "boolean", "datetime",
            ])
        #expect(puskesmas.fields.map(\.required) == [true, true, true, false, false, false, false, false])
        #expect(puskesmas.fields[2].references == "wilayah.kode")
        #expect(puskesmas.fields[3].allowedValues == ["rawat_inap", "non_rawat_inap"])

        let kunjungan = result.datasets[1]
        #expect(kunjungan.primaryKey == ["id"])
        #expect(kunjungan.fields.map(\.type) == ["integer", "string", "date", "integer", "string", "decimal"])
        #expect(kunjungan.fields[1].description == "puskesmas yang melapor")
        #expect(kunjungan.fields[1].references == "puskesmas.kode_puskesmas")
        #expect(kunjungan.fields[4].allowedValues == ["draft", "final"])
    }

    @Test("what is not understood is reported with its line")
    func reportsProblemsByLine() {
        let problems = DDLImporter.importDefinitions(Self.ddl).problems
        #expect(problems.count == 2)
        #expect(problems.first?.line == 8)
        #expect(problems.first?.message.contains("lokasi: type 'geometry(Point, 4326)' is not understood") == true)
        #expect(problems.last?.line == 25)
        #expect(problems.last?.message.hasPrefix("statement not imported") == true)
    }
}
