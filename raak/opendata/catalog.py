"""The programme's open-data catalogue in DCAT-AP-NL 3.0 (Turtle and JSON-LD, rdflib).

A dcat:Catalog with a dcat:Dataset per table per published round and a
dcat:Distribution per format (CSV, XLSX, the CSVW metadata). The publisher, creator
and contact point are the deploying organisation as its operator names it in the theme
(`raak.look.theme.publisher`: organisation name, website, contact e-mail; the settings
ORGANISATION_NAME, ORGANISATION_URL, CONTACT_EMAIL fill what it leaves empty), the licence is OPEN_DATA_LICENSE (default CC0 1.0).
The EU vocabulary concepts used are typed and labelled in the graph itself, so the
profile's class checks pass without loading those vocabularies (see the shapes'
README in ../shared/dcat-ap-nl). tests/test_opendata.py validates it with pyshacl.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from raak.look import theme as themes
from raak.opendata import tables as opendata_tables
from raak.programmes import mail

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
PUBLIC = URIRef(EU + "access-right/PUBLIC")
THEME = URIRef(EU + "data-theme/SOCI")  # Population and society
NETHERLANDS = URIRef(EU + "country/NLD")
DUTCH, ENGLISH = URIRef(EU + "language/NLD"), URIRef(EU + "language/ENG")
FILE_TYPES = {
    "csv": (URIRef(EU + "file-type/CSV"), "text/csv"),
    "xlsx": (
        URIRef(EU + "file-type/XLSX"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "metadata.json": (URIRef(EU + "file-type/JSON_LD"), "application/csvm+json"),
}
CSVW_STANDARD = URIRef("http://www.w3.org/TR/tabular-metadata/")
# Labels of the concepts above, so that a harvester without the vocabularies has words.
LABELS = {
    PUBLIC: ("openbaar", "public"),
    THEME: ("Bevolking en samenleving", "Population and society"),
    NETHERLANDS: ("Nederland", "Netherlands"),
    DUTCH: ("Nederlands", "Dutch"),
    ENGLISH: ("Engels", "English"),
}


def absolute(path):
    return mail.link(path)  # SITE_URL (the development address when unset)


def file_url(programme, rnd, key, ext):
    """`ext` is csv, xlsx or metadata.json (the file `<key>-metadata.json`)."""
    name = f"{key}-{ext}" if ext == "metadata.json" else f"{key}.{ext}"
    return absolute(reverse("opendata-file", args=[programme.slug, rnd.slug, name]))


def dataset_url(programme, rnd, key):
    """The dataset's IRI: its entry on the round's open-data page."""
    return absolute(reverse("opendata-round", args=[programme.slug, rnd.slug])) + "#" + key


def _both(graph, subject, predicate, nl, en):
    graph.add((subject, predicate, Literal(nl, lang="nl")))
    graph.add((subject, predicate, Literal(en or nl, lang="en")))


def _concept(graph, uri, kind=SKOS.Concept):
    graph.add((uri, RDF.type, kind))
    if uri in LABELS:
        nl, en = LABELS[uri]
        _both(graph, uri, SKOS.prefLabel, nl, en)


def _organisation(graph):
    who = themes.publisher()
    org = URIRef(who.url)
    graph.add((org, RDF.type, FOAF.Agent))
    graph.add((org, RDF.type, FOAF.Organization))
    graph.add((org, FOAF.name, Literal(who.name, lang="nl")))
    graph.add((org, FOAF.homepage, URIRef(who.url)))
    graph.add((org, FOAF.mbox, URIRef(f"mailto:{who.email}")))
    contact = URIRef(who.url.rstrip("/") + "#contact")
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(who.name)))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{who.email}")))
    graph.add((contact, VCARD.hasURL, URIRef(who.url)))
    return org, contact


def _licence(graph):
    licence = URIRef(settings.OPEN_DATA_LICENSE)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence, RDFS.label, Literal(settings.OPEN_DATA_LICENSE_NAME)))
    return licence


def _period(graph, rnd):
    """The round's period: from its opening date (if it has one) to its peildatum,
    the day the figures describe."""
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    start = min(rnd.opens_on, rnd.peildatum) if rnd.opens_on else rnd.peildatum
    graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(rnd.peildatum, datatype=XSD.date)))
    return period


def modified(programme):
    """When the programme's data last changed: its data version is the change time in
    microseconds (history.Recorder), which is never before the round's publication."""
    return datetime.fromtimestamp(programme.data_version / 1_000_000, tz=UTC)


def build(programme, rounds):
    """The catalogue graph of `programme`'s published `rounds` (RoundTables without
    their rows are enough: only keys and titles are read)."""
    graph = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("skos", SKOS)):  # fmt: skip
        graph.bind(prefix, ns)
    org, contact = _organisation(graph)
    licence = _licence(graph)
    for uri in (PUBLIC,):
        _concept(graph, uri, DCTERMS.RightsStatement)
    _concept(graph, THEME)
    _concept(graph, NETHERLANDS, DCTERMS.Location)
    _concept(graph, DUTCH, DCTERMS.LinguisticSystem)
    _concept(graph, ENGLISH, DCTERMS.LinguisticSystem)
    for file_type, media_type in FILE_TYPES.values():
        graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        graph.add((URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
                   RDF.type, DCTERMS.MediaType))  # fmt: skip
    graph.add((CSVW_STANDARD, RDF.type, DCTERMS.Standard))

    catalog_url = absolute(reverse("opendata", args=[programme.slug]))
    catalog = URIRef(catalog_url + "#catalogus")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _both(graph, catalog, DCTERMS.title, f"Open data van {programme.name}",
          f"Open data of {programme.name_en or programme.name}")  # fmt: skip
    _both(graph, catalog, DCTERMS.description,
          f"De gepubliceerde cijfers per ronde van {programme.name}: totalen en percentages "
          "per mijlpaal, de status per regio, de indicatoren, vragenlijsten en de verandering "
          "sinds de vorige ronde.",
          f"The published figures per round of {programme.name_en or programme.name}: "
          "totals and percentages per milestone, the status per region, the indicators, "
          "questionnaires and the change since the previous round.")  # fmt: skip
    graph.add((catalog, DCTERMS.publisher, org))
    graph.add((catalog, DCTERMS.creator, org))
    graph.add((catalog, DCAT.contactPoint, contact))
    graph.add((catalog, FOAF.homepage, URIRef(catalog_url)))
    graph.add((URIRef(catalog_url), RDF.type, FOAF.Document))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, DCTERMS.language, DUTCH))
    graph.add((catalog, DCTERMS.spatial, NETHERLANDS))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    graph.add((URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme))
    _both(graph, URIRef(EU + "data-theme"), DCTERMS.title, "Datathema's", "Data themes")
    changed = Literal(modified(programme).replace(microsecond=0), datatype=XSD.dateTime)
    graph.add((catalog, DCTERMS.modified, changed))

    for entry in rounds:
        rnd = entry.round
        landing = URIRef(absolute(reverse("national", args=[programme.slug, rnd.slug])))
        for table in entry.data_tables():
            url = dataset_url(programme, rnd, table.key)
            dataset = URIRef(url)
            graph.add((catalog, DCAT.dataset, dataset))
            graph.add((dataset, RDF.type, DCAT.Dataset))
            graph.add((dataset, DCTERMS.identifier, Literal(url)))
            _both(graph, dataset, DCTERMS.title, f"{programme.name}, {rnd.name}: {table.title_nl}",
                  f"{programme.name_en or programme.name}, {rnd.name_en or rnd.name}: "
                  f"{table.title_en}")  # fmt: skip
            _both(graph, dataset, DCTERMS.description, table.description_nl,
                  table.description_en)  # fmt: skip
            graph.add((dataset, DCTERMS.publisher, org))
            graph.add((dataset, DCTERMS.creator, org))
            graph.add((dataset, DCAT.contactPoint, contact))
            graph.add((dataset, DCTERMS.accessRights, PUBLIC))
            graph.add((dataset, DCAT.theme, THEME))
            graph.add((dataset, DCTERMS.spatial, NETHERLANDS))
            graph.add((dataset, DCTERMS.temporal, _period(graph, rnd)))
            graph.add((dataset, DCTERMS.modified, changed))
            graph.add((dataset, DCTERMS.language, DUTCH))
            graph.add((dataset, DCAT.landingPage, landing))
            graph.add((landing, RDF.type, FOAF.Document))
            # Its documentation: the round's open-data page, columns and code lists.
            page = URIRef(url.split("#", 1)[0])
            graph.add((dataset, FOAF.page, page))
            graph.add((page, RDF.type, FOAF.Document))
            # Its schema: the table's CSVW metadata (columns, datatypes, code lists).
            schema = URIRef(file_url(programme, rnd, table.key, "metadata.json"))
            graph.add((schema, RDF.type, DCTERMS.Standard))
            graph.add((dataset, DCTERMS.conformsTo, schema))
            for word in ("RAAK", "kindermishandeling", programme.name, rnd.name):
                graph.add((dataset, DCAT.keyword, Literal(word, lang="nl")))
            for ext, (file_type, media_type) in FILE_TYPES.items():
                link = URIRef(file_url(programme, rnd, table.key, ext))
                dist = URIRef(f"{url}-{ext.replace('.', '-')}")
                graph.add((link, RDF.type, RDFS.Resource))
                graph.add((dataset, DCAT.distribution, dist))
                graph.add((dist, RDF.type, DCAT.Distribution))
                graph.add((dist, DCAT.accessURL, link))
                graph.add((dist, DCAT.downloadURL, link))
                graph.add((dist, DCTERMS.format, file_type))
                graph.add((dist, DCAT.mediaType,
                           URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))  # fmt: skip
                graph.add((dist, DCTERMS.license, licence))
                graph.add((dist, DCTERMS.rights, PUBLIC))
                graph.add((dist, DCTERMS.language, DUTCH))
                graph.add((dist, DCTERMS.modified, changed))
                graph.add((dist, DCTERMS.conformsTo,
                           CSVW_STANDARD if ext == "metadata.json" else schema))  # fmt: skip
                _both(graph, dist, DCTERMS.title, f"{table.title_nl} ({ext})",
                      f"{table.title_en} ({ext})")  # fmt: skip
    return graph


def catalog(programme):
    """The catalogue of every published round of `programme`."""
    rounds = [
        opendata_tables.round_tables(rnd)
        for rnd in programme.rounds.visible_to_public().order_by("peildatum")
    ]
    return build(programme, rounds)


def as_turtle(graph):
    return graph.serialize(format="turtle").encode("utf-8")


def as_jsonld(graph):
    context = {"dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD),
               "skos": str(SKOS), "rdfs": str(RDFS)}  # fmt: skip
    return graph.serialize(format="json-ld", context=context, indent=2).encode("utf-8")
