"""The words that tell a list's lines apart, in the languages joint letters are published in.

Headings ("Organizações nacionais", "Firmantes a título individual:"), column headers ("N° ⇥ Nom ⇥ Pays"),
people's titles ("Prof.", "Sra.") and the words organisation names are made of ("Fundación", "Network"). All
keys are compared after letters.text.normalise_name (lower case, no accents, punctuation → spaces).
"""

import re
import unicodedata
from functools import lru_cache

from letters.text import strip_accents

_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
# Latin, Greek, Cyrillic, Arabic… and the presentation/full-width forms (CJK ideographs need no folding).
_FOLD_RANGES = (range(0x80, 0x3000), range(0xFB00, 0x10000))


@lru_cache(maxsize=1)
def _fold_table():
    """One str.translate table doing what normalise_name does character by character (accents, dashes, quotes,
    invisible characters), so that keys are computed at the speed a 5,000-line list needs."""
    table = {ord(ch): " " for ch in "\t\r\n\u2028\u2029\xa0"}
    table.update({ord(ch): "-" for ch in "‐‑‒–—―−"})
    table.update({ord(ch): "'" for ch in "‘’‚‛′`´"})
    table[ord("&")] = " and "
    for code in (code for block in _FOLD_RANGES for code in block):
        ch = chr(code)
        if code in table:
            continue
        if unicodedata.category(ch) in ("Cf", "Cc", "Cs", "Co", "Cn"):
            table[code] = None
        elif strip_accents(ch) != ch:
            table[code] = strip_accents(ch)
    return table


@lru_cache(maxsize=65536)
def key(text):
    """normalise_name(text) for text that is already one clean line (cells, tails, lines of a list)."""
    value = unicodedata.normalize("NFC", text).translate(_fold_table()).casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", value)).strip()


def _words(text):
    return frozenset(text.split())


# A heading naming organisations, networks or members (plural forms: a singular is more likely a name's word).
ORG_HEADING = _words("""
organisations organizations organizaciones organizacoes organizzazioni organisationen organisaties orgs
organismes organismos entidades entites entities institutions instituciones instituicoes istituzioni
ngos ngo ong ongs onp osc oscs csos cso ingos nros groups grupos groupes gruppi gruppen groepen
associations asociaciones associacoes associazioni verbande vereine verenigingen collectifs colectivos
coletivos collettivi movements movimientos movimentos mouvements movimenti bewegungen bewegingen
unions syndicats sindicatos sindacati gewerkschaften vakbonden coalitions coaliciones coalizioni
platforms plataformas plateformes piattaforme plattformen alliances alianzas aliancas networks redes reseaux
reti netzwerke netwerken members membres miembros membros membri mitglieder leden organisers organizers
organizadores organisateurs organizzatori co organisers co organizers partners socios partenaires parceiros
partner foundations fundaciones fondations fondazioni stiftungen donors articulacoes articulaciones
articulations federations federaciones federacoes federazioni
""")
# A heading naming people signing in their own name.
IND_HEADING = _words("""
individuals individual individuales individuels individuelles individuel individuelle individuais individuali
individuale
individuen persons personas pessoas persone personnes personen einzelpersonen particulieren people
personalities personalidades personalites personalita personlichkeiten academics academicos academicas
universitaires accademici akademiker scholars experts expertos expertas experts especialistas esperti
researchers investigadores chercheurs ricercatori activists activistas militants attivisti aktivisten citizens
ciudadanos ciudadanas citoyens cidadaos cittadini burger personal personnel personnelle capacity titre titulo
titolo persoonlijke persoonlijk eigenen privee
private
""")
# Scope words that make a heading on their own ("International:", "Regional and national").
SCOPE_CORE = _words("""
national nationales nacionales nacionais nazionali nationaux nationale nationaal international internationales
internacionales internacionais internazionali internationaux internationale internationaal internacional
regional regionales regionais regionali regionaux regionale local locales locais locali locaux lokale global
globales globais globali globaux
""")
# A heading for the whole list: who signs, without saying what kind of signatory.
SIGN_HEADING = _words("""
signatories signatory signataires signataire firmantes firmante firmas signatarios signatarias signatarias
firmatari firmatarie firmatario unterzeichnende unterzeichner unterzeichnerinnen ondertekenaars ondertekend
signed signe signee signes signees firmado firmada firmados firmadas assinado assinada assinam assinaturas
firmato firmata firmano unterzeichnet endorsed endorsers endorsements endorsing supporters supporting
adhesiones adhesions adesioni adesoes apoyos apoios soutiens cosignatories cosigners undersigned soussignes
soussignees abajo firmantes sottoscritti unterstutzer unterstutzt supported signing signers list liste lista
elenco lijst signatures signature
""")
# Words that qualify a heading: scope, "other", "civil society", "lead"...
SCOPE_HEADING = _words("""
national nationales nacionales nacionais nazionali nationaux nationale nationaal international internationales
internacionales internacionais internazionali internationaux internationale internationaal regional regionales
regionais regionali regionaux regionale local locales locais locali locaux lokale global globales globais
globali globaux mondiales mondiaux worldwide other others otras otros autres outras outros altre altri weitere
andere overige additional further civil society sociedad sociedade societe societa zivilgesellschaft
zivilgesellschaftliche maatschappelijke civile lead leading principales founding fondateurs convening
coordinating coordinated initiated initiating convened promoted promotoras promotores impulsoras impulsores
convocantes convocatoria participating country based indigenous indigenas autochtones religious faith trade
community grassroots
academic academicas academicos diaspora youth women feminist feministas feministes environmental
ambientales ambientalistas human rights derechos humanos droits direitos diritti umani
""")
# Glue words that may stand between heading words ("Organisations de la société civile", "Signed by").
GLUE = _words("""
and & y e et und en o ou or oder of de del des du la le les los las da do das dos di della delle degli dei
a al au aux the in from by por par para pour per von der die das den van het at with con com avec mit met
on sur sobre su auf op to para solo only purposes fines fins identification identificacion identificacao
affiliation affiliations afiliacion afiliaciones afiliacao filiation filiazione for fur voor as como comme
come als their sus leur leurs its following siguientes suivants suivantes seguintes seguenti folgende
volgende this esta este estas estos cette ce cet ces questo questa deze dit diese dieser letter carta lettre
brief lettera nota note statement declaration declaracion declaracao dichiarazione erklarung verklaring appeal
appel apelo llamamiento appello aufruf oproep joint conjunta conjunto commune conjointe congiunta gemeinsame
gezamenlijke open abierta ouverte aberta aperta offener alphabetical order orden ordre ordem ordine reihenfolge
alfabetico
alphabetique alfabetica alphabetischer alfabetische names nombres noms nomes nomi namen in en el il lo
""")

# Column header cells: what the column holds.
HEADER_COLUMNS = {
    "number": ("no", "n", "nº", "no ", "num", "number", "numero", "nr", "nummer", "sl", "s no", "sl no", "sr",
               "sr no", "item", "#", "n o", "nro", "núm"),
    "name": ("name", "names", "nombre", "nombres", "nom", "noms", "nome", "nomes", "naam", "namen",
             "full name", "nombre completo", "nom complet", "nome completo", "nom et prenom", "nom prenom",
             "prenom nom", "nombre y apellido", "nombre y apellidos", "nombres y apellidos", "vorname name",
             "name vorname", "signatory", "signatories", "signataire", "firmante", "signatario", "firmatario",
             "unterzeichner", "organisation name", "organization name", "name of organisation",
             "name of organization", "organisation", "organization", "organizacion", "organizacao",
             "organizzazione", "organisatie", "nom de l organisation", "nom de l organisme",
             "nombre de la organizacion", "nome da organizacao", "nome dell organizzazione", "individual name",
             "name of individual", "signatory name", "name of signatory", "entity", "entidad", "entite",
             "institution", "institucion", "org", "org name", "ngo", "ong", "nom de la structure", "structure"),
    "country": ("country", "countries", "pays", "pais", "paises", "paese", "paesi", "land", "lander", "country region",
                "country or region", "pays region", "pais region", "region", "regions", "based in", "country of origin",
                "country of operation", "country based", "location", "lieu", "ubicacion", "localizacao", "sede",
                "scope", "ambito", "portee"),
    "affiliation": ("designation", "title", "titles", "position", "positions", "role", "function", "affiliation",
                    "affiliations", "afiliacion", "afiliacao", "affiliazione", "cargo", "puesto", "fonction",
                    "funcao", "funzione", "qualite", "titulo", "titre", "ruolo", "funktion", "functie",
                    "occupation", "profession", "profesion", "job title", "title organisation",
                    "title organization", "organisation affiliation", "organization affiliation",
                    "institutional affiliation", "afiliacion institucional", "designation organisation",
                    "cargo e institucion", "cargo institucion"),
    "note": ("description", "descripcion", "descricao", "descrizione", "beschreibung", "beschrijving", "about",
             "website", "web", "site", "site web", "sitio web", "url", "city", "ciudad", "ville", "cidade", "citta",
             "stadt", "type", "tipo", "sector", "secteur", "focus", "mission", "notes", "note", "comments",
             "remarks", "email", "e mail", "email address", "contact", "contact person", "contact name", "focal point",
             "persona de contacto", "personne de contact", "contacto", "province", "state", "estado", "provincia",
             "departement", "date", "fecha", "logo", "signature", "firma"),
}


@lru_cache(maxsize=1)
def _header_index():
    return {phrase: role for role, phrases in HEADER_COLUMNS.items() for phrase in phrases}


def header_role(cell):
    """"number", "name", "country", "affiliation", "note" for a column header cell; "" when not a header word."""
    raw = cell.strip()
    if raw in ("#", "N°", "Nº", "No.", "N.", "Nr.", "S/N", "S.No.", "Sl.", "Sl. No."):
        return "number"
    if len(raw) > 40:
        return ""
    return _header_index().get(key(raw), "")


# People's titles; they stay in the name ("Prof. Hannah Okafor"). Compared without the final dot.
TITLES = frozenset("""
prof professor professora profesora profesor professeur professeure dr dra dr.ª drª doctor doctora docteur
dott dott.ssa dottssa prof.ssa profssa mr mrs ms miss mx mme mlle m me sr sra srta sres don dona dña doña hon
rev revd reverend sir dame lord lady baroness baron fr father sister br brother bishop archbishop rabbi imam
sheikh adv avv ing lic licda lcda lcdo mag herr frau dhr mevr drs ir h.e he amb ambassador senator sen
justice judge cllr rt
""".split())

# Words that make a name an organisation's, never a person's.
ORG_WORDS = _words("""
foundation fundacion fundacao fondation fondazione stiftung stichting fund fondo fundo fonds centre center centro
centrum zentrum institute instituto institut istituto network networks red rede reseau rete netzwerk netwerk
association asociacion associacao associazione verein vereniging verband forum foro council consejo conselho
conseil consiglio rat raad watch international internacional internazionale internationale internationaal
committee comite comitato komitee commission comision comissao commissione kommission coalition coalicion
coalizione coligacao alliance alianza alianca allianz union uniao unione group grupo groupe gruppo gruppe
project proyecto projeto projet progetto projekt trust society sociedad sociedade societe societa gesellschaft
federation federacion federacao federazione foderation league liga ligue lega movement movimiento movimento
mouvement bewegung beweging campaign campana campagne campagna kampagne initiative iniciativa iniziativa
initiatief collective colectivo coletivo collectif collettivo kollektiv action accion acao azione aktion rights
derechos direitos droits diritti rechte rechten human humanos humanas humains umani justice justicia justica
giustizia gerechtigkeit peace paz paix pace frieden amnesty greenpeace oxfam ngo ong observatory observatorio
observatoire osservatorio platform plataforma plateforme piattaforma plattform agency agencia agence services
servicio partnership lawyers abogados avocats advocates defenders defensores defensoras defenseurs women
mujeres mulheres femmes donne frauen youth jovenes juventud jeunes jeunesse children ninos ninas enfants
infancia friends amigos amis earth tierra terra terre environment ambiente ambiental environnement umwelt
climate clima climat klima health salud saude sante salute gesundheit education educacion educacao
development desarrollo desenvolvimento developpement sviluppo entwicklung solidarity solidaridad
solidariedade solidarite solidarieta solidaritat house casa maison office oficina bureau secretariat
secretaria university universidad universidade universite universita universitat college school escuela
ecole church iglesia eglise chiesa kirche radio media press news institute academy academia network global
national nacional nationale regional the inc ltd llc asbl gmbh ev cic sa ac ong group coordinadora
coordination coordenacao coordinamento colectiva cooperativa cooperative syndicat sindicato sindacato
gewerkschaft observatory ministry world mundial monde council commons lab labs now access transparency
transparencia freedom liberdade libertad liberte citizens ciudadania citoyens people pueblo pueblos peuple
indigenous indigenas autochtones organisation organization organizacion organizacao organizzazione
""")
# Particles inside people's names ("María de los Ángeles", "Ludwig van Beethoven", "Ahmed bin Ali").
NAME_PARTICLES = frozenset("""
de da das do dos del della di du des la le los las van von der den ter ten bin binti bint ibn al el abu y e et
zu vom st
""".split())
# Lowercase words that join a wrapped name to its next line ("Asian Forum for Human Rights and / Development").
CONNECTORS = frozenset("""
and of for the on in against to with de del des du la le les los las da do das dos di della delle degli y e et
und fur für zur zum pour para por per sur sobre contra against a à al au aux en van von voor der die het
""".split())
# Words organisation names start with, in languages that put the kind of body first ("Fundación Pachamama").
ORG_STARTS = _words("""
fundacion fundacao fondation fondazione stichting stiftung asociacion associacao associazione association
centro centre center instituto institut istituto observatorio observatoire osservatorio colectivo coletivo
collectif collettivo comision comissao commission commissione comite comitato consejo conselho conseil
consiglio coordinadora coordination coordenacao coordinamento federacion federacao federation federazione
fondo fundo fonds foro forum frente front grupo groupe gruppo liga ligue lega movimiento movimento mouvement
red rede reseau rete sindicato syndicat sindacato union uniao unione alianza alianca alliance plataforma
plateforme piattaforma programa programme programma proyecto projeto projet progetto servicio servicos
service accion acao azione amigos amis amici mujeres mulheres femmes greenpeace amnesty oxfam
campana campagne campagna iniciativa initiative iniziativa
""")
# Words English names end with: a capitalised word after them starts another name in a run-on block.
ORG_ENDS = _words("""
watch international internacional internationale network foundation trust project initiative alliance
coalition council centre center institute forum commission committee federation association group campaign
fund society movement union league partnership collective now justice rights
""")

_TITLE_RE = re.compile(r"^([^\W\d_][\w.ª]{0,9}\.?)\s+(?=\S)")


def title_prefix(text):
    """"Prof. " in "Prof. Hannah Okafor"; "" when the line does not start with a person's title."""
    match = _TITLE_RE.match(text)
    if not match:
        return ""
    word = match.group(1)
    key = word.lower().rstrip(".")
    if key not in TITLES:
        return ""
    if len(key) <= 2 and not word.endswith(".") and key not in ("dr", "mr", "ms", "me", "sr", "fr"):
        return ""  # "M Jean" is not a title, "M. Jean" is
    if key == "me" and not text[len(match.group(0)):][:1].isupper():
        return ""
    return match.group(0)


def is_name_word(word):
    """A word of a person's or a place's name: capitalised letters ("O'Brien", "Jean-Luc"), or a particle."""
    if word.lower() in NAME_PARTICLES:
        return True
    core = word.strip(".,'’-")
    if not core or any(ch.isdigit() for ch in core):
        return False
    return core[0].isupper() and all(ch.isalpha() or ch in ".'’-" for ch in core)


def looks_like_person(text):
    """Two to five capitalised words (particles allowed) and no word that only organisations use."""
    text = text[len(title_prefix(text)):] if title_prefix(text) else text
    words = text.split()
    main = [w for w in words if w.lower() not in NAME_PARTICLES]
    if not 2 <= len(main) <= 5 or len(words) > 7 or not all(is_name_word(w) for w in words):
        return False
    if all(w.isupper() for w in main) or words[0].lower() in NAME_PARTICLES:
        return False  # "CIDH AFRICA": an acronym pair, not "Jean DUPONT"
    keys = key(text).split()
    return not any(key in ORG_WORDS for key in keys)


def is_connector(word):
    return word.lower() in CONNECTORS


def heading_words(text):
    """The normalised words of `text` without parenthesised asides ("Individuals (for identification only)")."""
    if "(" not in text and "[" not in text:
        return key(text).split()
    return key(_ASIDE.sub(" ", text)).split()


_ASIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
