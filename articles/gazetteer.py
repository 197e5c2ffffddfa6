"""The gazetteer the archive ships with: Iraq, the Kurdistan Region, the governorates
with their districts, the towns, subdistricts, border crossings and landmarks the wire
copy names, the areas (plains, mountains) and the rivers. Loaded by data migrations
(0002, 0014); `load_gazetteer` is idempotent, so adding places here and running it again
only adds or updates, and a place keeps its slug (and its articles) wherever it moves.

Each entry: (slug, name, kind, (Sorani, Kurmanji, Arabic), alternative spellings,
places inside it).

- `name` is the common English spelling (Rudaw English and Kurdistan 24 English);
  alternative spellings are the other English spellings readers and agencies use
  (AFP, Reuters, AP, Shafaq News, the Iraqi News Agency).
- The Sorani (ckb, Arabic script), Kurmanji (kmr, Latin script) and Arabic (ar) names
  follow the spelling of the Sorani, Kurmanji and Arabic services of Rudaw and
  Kurdistan 24 (Arabic: the official governorate and district names). Checked against
  their published copy (2026-11): Hewlêr, Silêmanî, Şengal, Zaxo; Sorani
  خانەقین, جەلەولا (also گوڵاڵە), سەعدییە, قەرەتەپە, دوزخورماتوو. The rest were written
  from the same conventions and want a fluent editor's review; a variant found in
  copy goes in the alternative spellings. The matcher folds letter variants (ي/ی, ك/ک,
  ە/ه, أ/ا; ê/e, î/i, û/u, ç/c, ş/s), so one form each is enough.
- Cities that share a governorate's name get a `-city` slug; the plain slug is the
  governorate, which contains the city. A district and its seat are one place.
- Places are placed as the Kurdistan Region administers them where it does (Akre,
  Shekhan, Bardarash under Duhok; Makhmour keeps its place under Nineveh), otherwise by
  the Iraqi governorates.
- Rivers, and border areas that lie in more than one country (Hawraman), are top-level:
  a story about the Tigris in Turkey is not made Iraqi by the river, while a story about
  the Tigris in Mosul finds Mosul by its own name.
"""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

GAZETTEER = [
    ("iraq", "Iraq", "country", ("عێراق", "Iraq", "العراق"), ["Republic of Iraq", "Îraq"], [
        ("kurdistan-region", "Kurdistan Region", "region",
         ("هەرێمی کوردستان", "Herêma Kurdistanê", "إقليم كوردستان"),
         ["Kurdistan Region of Iraq", "Iraqi Kurdistan", "KRI", "إقليم كردستان",
          "إقليم كوردستان العراق", "هەرێمی کوردستانی عێراق", "Herêma Kurdistana Iraqê"], [
            ("erbil", "Erbil", "governorate", ("هەولێر", "Hewlêr", "أربيل"),
             ["Erbil Governorate", "Arbil", "Irbil", "Hawler", "Hewler", "Erbil province"], [
                ("erbil-city", "Erbil", "city", ("هەولێر", "Hewlêr", "أربيل"),
                 ["Arbil", "Irbil", "Hawler", "Hewler"], [
                    ("ainkawa", "Ankawa", "town", ("عەنکاوە", "Enkawa", "عنكاوا"),
                     ["Ainkawa", "Einkawa", "Ankawah", "عينكاوة"], []),
                    ("erbil-citadel", "Erbil Citadel", "landmark",
                     ("قەڵای هەولێر", "Keleha Hewlêrê", "قلعة أربيل"),
                     ["Citadel of Erbil", "Hawler Citadel", "Arbil Citadel"], []),
                    ("erbil-international-airport", "Erbil International Airport", "landmark",
                     ("فڕۆکەخانەی نێودەوڵەتیی هەولێر", "Firokexaneya Navdewletî ya Hewlêrê",
                      "مطار أربيل الدولي"),
                     ["Erbil airport", "Erbil International", "Arbil airport",
                      "فڕۆکەخانەی هەولێر", "مطار أربيل", "Firokexaneya Hewlêrê"], []),
                ]),
                ("soran", "Soran", "district", ("سۆران", "Soran", "سوران"), [], [
                    ("rawanduz", "Rawanduz", "town", ("ڕەواندز", "Rewandiz", "راوندوز"),
                     ["Rwanduz", "Rowanduz", "Rawandiz"], []),
                    ("sidakan", "Sidakan", "subdistrict", ("سیدەکان", "Sîdekan", "سيدكان"),
                     ["Sidekan"], []),
                ]),
                ("koya", "Koya", "district", ("کۆیە", "Koye", "كويه"),
                 ["Koysinjaq", "Koisanjaq", "Koye", "كويسنجق"], []),
                ("shaqlawa", "Shaqlawa", "district", ("شەقڵاوە", "Şeqlawe", "شقلاوة"),
                 ["Shaqlawah"], [
                    ("harir", "Harir", "subdistrict", ("حەریر", "Herîr", "حرير"), ["Hareer"], []),
                ]),
                ("mergasor", "Mergasor", "district", ("مێرگەسۆر", "Mêrgesor", "ميركسور"),
                 ["Mergasur", "Mirgasur"], [
                    ("barzan", "Barzan", "subdistrict", ("بارزان", "Barzan", "بارزان"), [], []),
                ]),
                ("choman", "Choman", "district", ("چۆمان", "Çoman", "جومان"), [], [
                    ("haji-omaran", "Haji Omaran", "town",
                     ("حاجی ئۆمەران", "Hacî Omeran", "حاج عمران"),
                     ["Haj Omran", "Hajj Omran", "Haji Omaran border crossing",
                      "Haji Omaran crossing"], []),
                ]),
                ("khabat", "Khabat", "district", ("خەبات", "Xebat", "خبات"), [], []),
                ("dashti-hawler", "Dashti Hawler", "district",
                 ("دەشتی هەولێر", "Deşta Hewlêrê", "سهل أربيل"), ["Dashti Hewler"], []),
            ]),
            ("duhok", "Duhok", "governorate", ("دهۆک", "Duhok", "دهوك"),
             ["Dohuk", "Dahuk", "Dihok", "Duhok Governorate", "Duhok province"], [
                ("duhok-city", "Duhok", "city", ("دهۆک", "Duhok", "دهوك"),
                 ["Dohuk", "Dahuk", "Dihok"], []),
                ("zakho", "Zakho", "district", ("زاخۆ", "Zaxo", "زاخو"), ["Zaxo", "Zako"], [
                    ("ibrahim-khalil", "Ibrahim Khalil border crossing", "landmark",
                     ("دەروازەی ئیبراهیم خەلیل", "Deriyê Îbrahîm Xelîl", "منفذ إبراهيم الخليل"),
                     ["Ibrahim Khalil", "Ibrahim Khalil crossing", "Ibrahim al-Khalil",
                      "Habur crossing", "ئیبراهیم خەلیل", "Îbrahîm Xelîl", "إبراهيم الخليل"], []),
                    ("batifa", "Batifa", "subdistrict", ("باتیفا", "Batîfa", "باطوفة"),
                     ["Batufa"], []),
                ]),
                ("faysh-khabur", "Faysh Khabur", "subdistrict",
                 ("فیشخابوور", "Fîşxabûr", "فيشخابور"),
                 ["Fishkhabur", "Peshkhabour", "Feshkhabour", "Faysh Khabour", "Pesh Khabur"], []),
                ("amedi", "Amedi", "district", ("ئامێدی", "Amêdî", "العمادية"),
                 ["Amadiya", "Amadiyah", "Amadia", "Amedia"], [
                    ("deraluk", "Deraluk", "subdistrict", ("دێرەلوک", "Dêrelûk", "ديرلوك"),
                     ["Dere Luk", "Darluk"], []),
                    ("kani-masi", "Kani Masi", "subdistrict",
                     ("کانی ماسێ", "Kanî Masî", "كاني ماسي"),
                     ["Kani Masê"], []),
                ]),
                ("akre", "Akre", "district", ("ئاکرێ", "Akrê", "عقرة"),
                 ["Aqrah", "Akra", "Aqra"], []),
                ("semel", "Semel", "district", ("سێمێل", "Sêmêl", "سميل"),
                 ["Sumel", "Simele", "Sumail", "Simel"], [
                    ("khanke", "Khanke", "town", ("خانکێ", "Xankê", "خانكي"),
                     ["Khanki", "Xanke"], []),
                ]),
                ("shekhan", "Shekhan", "district", ("شێخان", "Şêxan", "الشيخان"),
                 ["Sheikhan", "Shaykhan", "Shikhan"], [
                    ("lalish", "Lalish", "landmark", ("لالش", "Laliş", "لالش"),
                     ["Lalesh", "Lalish Temple"], []),
                ]),
                ("bardarash", "Bardarash", "district", ("بەردەڕەش", "Berdereş", "بردرش"),
                 ["Bardarsh", "Bardarah"], []),
            ]),
            ("sulaimani", "Sulaimani", "governorate", ("سلێمانی", "Silêmanî", "السليمانية"),
             ["Sulaymaniyah", "Sulaimaniyah", "Sulaimaniya", "Suleimaniyah", "Sulaymaniya",
              "Slemani", "Silemani", "Sulaimani Governorate", "Sulaimani province"], [
                ("sulaimani-city", "Sulaimani", "city", ("سلێمانی", "Silêmanî", "السليمانية"),
                 ["Sulaymaniyah", "Sulaimaniyah", "Sulaimaniya", "Suleimaniyah", "Sulaymaniya",
                  "Slemani", "Silemani", "Silêmaniyê"], []),
                ("ranya", "Ranya", "district", ("ڕانیە", "Ranye", "رانية"),
                 ["Raniya", "Raniyah"], []),
                ("kalar", "Kalar", "district", ("کەلار", "Kelar", "كلار"), [], []),
                ("penjwen", "Penjwen", "district", ("پێنجوێن", "Pêncwîn", "بنجوين"),
                 ["Penjwin", "Panjwin"], [
                    ("bashmakh", "Bashmakh border crossing", "landmark",
                     ("دەروازەی باشماخ", "Deriyê Başmaxê", "منفذ باشماخ"),
                     ["Bashmakh", "Bashmaq", "Bashmakh crossing", "باشماخ", "Başmax"], []),
                ]),
                ("darbandikhan", "Darbandikhan", "district",
                 ("دەربەندیخان", "Derbendîxan", "دربندخان"),
                 ["Derbendikhan", "Darbandikhan town"], [
                    ("darbandikhan-dam", "Darbandikhan Dam", "landmark",
                     ("بەنداوی دەربەندیخان", "Bendava Derbendîxanê", "سد دربندخان"),
                     ["Darbandikhan Lake", "Lake Darbandikhan", "Derbendikhan Dam"], []),
                ]),
                ("chwarta", "Chwarta", "district", ("چوارتا", "Çiwarta", "جوارتا"),
                 ["Choarta", "Chuwarta", "Chwartah"], []),
                ("dukan", "Dukan", "district", ("دوکان", "Dukan", "دوكان"), ["Dokan"], [
                    ("dukan-dam", "Dukan Dam", "landmark",
                     ("بەنداوی دوکان", "Bendava Dukanê", "سد دوكان"),
                     ["Dokan Dam", "Dukan Lake", "Lake Dukan", "Dokan Lake", "بحيرة دوكان",
                      "دەریاچەی دوکان"], []),
                ]),
                ("pishdar", "Pishdar", "district", ("پشدەر", "Pişder", "بشدر"),
                 ["Qaladiza", "Qaladze", "Qala Diza", "Qeladizê", "قەڵادزێ", "قلعة دزة"], []),
                ("chamchamal", "Chamchamal", "district", ("چەمچەماڵ", "Çemçemal", "جمجمال"),
                 ["Chamchamal town"], []),
                ("said-sadiq", "Said Sadiq", "district", ("سەیدسادق", "Seyîdsadiq", "سيد صادق"),
                 ["Sayid Sadiq", "Saidsadiq", "Sayyid Sadiq"], []),
                ("sharazur", "Sharazur", "district", ("شارەزوور", "Şarezûr", "شهرزور"),
                 ["Shahrazur", "Sharazoor", "Shahrizor"], []),
                ("mawat", "Mawat", "district", ("ماوەت", "Mawet", "ماوت"), [], []),
                ("garmiyan", "Garmiyan", "area", ("گەرمیان", "Germiyan", "كرميان"),
                 ["Germiyan", "Garmian", "Garmiyan administration"], [
                    ("parwez-khan", "Parwez Khan border crossing", "landmark",
                     ("دەروازەی پەروێزخان", "Deriyê Perwêzxanê", "منفذ برويز خان"),
                     ["Parwez Khan", "Parwezkhan", "Perwezkhan", "Parvizkhan",
                      "Parwez Khan crossing", "پەروێزخان", "برويزخان", "Perwêzxan"], []),
                ]),
            ]),
            ("halabja", "Halabja", "governorate", ("هەڵەبجە", "Helebce", "حلبجة"),
             ["Halabja Governorate", "Halabja province", "Helebje"], [
                ("halabja-city", "Halabja", "city", ("هەڵەبجە", "Helebce", "حلبجة"),
                 ["Helebje"], []),
                ("khurmal", "Khurmal", "subdistrict", ("خورماڵ", "Xurmal", "خورمال"),
                 ["Khormal"], []),
                ("byara", "Byara", "subdistrict", ("بیارە", "Biyare", "بيارة"), ["Biara"], []),
            ]),
            ("badinan", "Badinan", "area", ("بادینان", "Behdînan", "بهدينان"),
             ["Bahdinan", "Behdinan", "Badinan area"], []),
            ("qandil-mountains", "Qandil Mountains", "area",
             ("چیای قەندیل", "Çiyayê Qendîlê", "جبال قنديل"),
             ["Qandil", "Mount Qandil", "Qandil mountain", "Kandil", "Kandil Mountains",
              "قەندیل", "Qendîl", "قنديل"], []),
        ]),
        ("nineveh", "Nineveh", "governorate", ("نەینەوا", "Neynewa", "نينوى"),
         ["Ninawa", "Ninewa", "Ninewah", "Ninevah", "Nineveh Governorate", "Nineveh province"], [
            ("mosul", "Mosul", "city", ("موسڵ", "Mûsil", "الموصل"),
             ["Mawsil", "Mosil", "Mûsilê"], []),
            ("mosul-dam", "Mosul Dam", "landmark", ("بەنداوی موسڵ", "Bendava Mûsilê", "سد الموصل"),
             ["Mosul Dam Lake", "Mosul dam reservoir", "سەدی موسڵ"], []),
            ("sinjar", "Sinjar", "district", ("شنگال", "Şengal", "سنجار"),
             ["Shingal", "Shengal", "Singal", "Sinjar town"], [
                ("sinuni", "Sinuni", "subdistrict", ("سنوونی", "Sinûnê", "سنوني"),
                 ["Snuny", "Sinune", "Snuni", "Sinûnî"], []),
                ("sinjar-mountains", "Sinjar Mountains", "area",
                 ("چیای شنگال", "Çiyayê Şengalê", "جبل سنجار"),
                 ["Mount Sinjar", "Sinjar Mountain", "Mount Shingal", "Shingal Mountain",
                  "Shingal Mountains", "Sinjar mountain range", "جبال سنجار"], []),
            ]),
            ("makhmour", "Makhmour", "district", ("مەخموور", "Mexmûr", "مخمور"), ["Makhmur"], [
                ("qarachugh-mountain", "Qarachugh Mountain", "landmark",
                 ("چیای قەرەچووغ", "Çiyayê Qereçoxê", "جبل قره چوغ"),
                 ["Qarachugh", "Qarachogh", "Qara Chogh", "Qarachokh", "Qara Chokh",
                  "Qarachogh Mountain", "Qara Chogh Mountain", "قەرەچووغ", "Qereçox"], []),
                ("gwer", "Gwer", "subdistrict", ("گوێر", "Gwêr", "الكوير"), ["Guwer", "Kuwer"], []),
            ]),
            ("tal-afar", "Tal Afar", "district", ("تەلەعفەر", "Telafer", "تلعفر"),
             ["Tel Afar", "Tall Afar", "Talafar"], [
                ("rabia", "Rabia", "subdistrict", ("ڕەبیعە", "Rebîe", "ربيعة"),
                 ["Rabiaa", "Rabia border crossing", "Rabia crossing", "Rabiah"], []),
            ]),
            ("hamdaniya", "Hamdaniya", "district", ("حەمدانیە", "Hemdaniye", "الحمدانية"),
             ["al-Hamdaniya", "Hamdaniyah"], [
                ("qaraqosh", "Qaraqosh", "town", ("قەرەقۆش", "Qereqoş", "قره قوش"),
                 ["Bakhdida", "Baghdeda", "Qaraqush", "Bakhdeda", "بغديدا", "بەخدیدا",
                  "Bexdîda"], []),
                ("bartella", "Bartella", "town", ("بەرتەڵە", "Bertele", "برطلة"),
                 ["Bartala", "Bartalla"], []),
                ("bashiqa", "Bashiqa", "town", ("بەعشیقە", "Beşîqe", "بعشيقة"),
                 ["Bashiqa", "Bashika", "Ba'shiqa", "Bahzani-Bashiqa"], []),
            ]),
            ("tel-kaif", "Tel Kaif", "district", ("تلکێف", "Tilkêf", "تلكيف"),
             ["Tel Keppe", "Telkaif", "Tal Kayf", "Tilkef"], []),
            ("qayyarah", "Qayyarah", "subdistrict", ("قەیارە", "Qeyare", "القيارة"),
             ["Qayara", "Qayyara"], []),
            ("baaj", "Baaj", "district", ("بەعاج", "Beac", "البعاج"), ["al-Baaj", "Ba'aj"], []),
            ("hatra", "Hatra", "landmark", ("حەزەر", "Hatra", "الحضر"), ["al-Hadar"], []),
            ("nineveh-plains", "Nineveh Plains", "area",
             ("دەشتی نەینەوا", "Deşta Neynewa", "سهل نينوى"),
             ["Nineveh Plain", "Plain of Nineveh", "Nineveh plains", "Ninawa Plains"], []),
        ]),
        ("kirkuk", "Kirkuk", "governorate", ("کەرکووک", "Kerkûk", "كركوك"),
         ["Kirkuk Governorate", "Kirkuk province", "Karkuk", "Kerkuk"], [
            ("kirkuk-city", "Kirkuk", "city", ("کەرکووک", "Kerkûk", "كركوك"),
             ["Karkuk", "Kerkuk"], []),
            ("hawija", "Hawija", "district", ("حەویجە", "Hewîce", "الحويجة"),
             ["Hawijah", "Huwija"], []),
            ("daquq", "Daquq", "district", ("داقووق", "Daqûq", "داقوق"),
             ["Daqouq", "Taouq", "Tawuq"], []),
            ("dibis", "Dibis", "district", ("دوبز", "Dubiz", "الدبس"), ["Dubz", "Dibs"], []),
            ("altun-kupri", "Altun Kupri", "subdistrict", ("پردێ", "Pirdê", "التون كوبري"),
             ["Prde", "Pirde", "Altun Kopri", "Altinkopru"], []),
        ]),
        ("salahuddin", "Salahuddin", "governorate", ("سەڵاحەدین", "Selahedîn", "صلاح الدين"),
         ["Salah al-Din", "Salah ad-Din", "Salahaddin", "Salahudin", "Salahadin", "Saladin",
          "Salah al-Din province", "Salahuddin Governorate"], [
            ("tikrit", "Tikrit", "city", ("تکریت", "Tikrît", "تكريت"), [], []),
            ("samarra", "Samarra", "city", ("سامەڕا", "Samera", "سامراء"), ["Samarrah"], []),
            ("baiji", "Baiji", "city", ("بێجی", "Bêcî", "بيجي"), ["Bayji", "Beiji"], []),
            ("tuz-khurmatu", "Tuz Khurmatu", "district",
             ("دووزخورماتوو", "Duzxurmatû", "طوز خورماتو"),
             ["Tuz Khurmatoo", "Tuz Khormato", "Tuz Khormatu", "Tuz Khurmato", "Tuz", "Khurmatu",
              "Duz Khurmatu", "Duzkhurmatu", "طوزخورماتو", "خورماتوو", "دوزخورماتوو"], [
                ("amerli", "Amerli", "subdistrict", ("ئامرلی", "Amirlî", "آمرلي"), ["Amirli"], []),
                ("sulaiman-beg", "Sulaiman Beg", "subdistrict",
                 ("سلێمان بەگ", "Silêman Beg", "سليمان بيك"),
                 ["Suleiman Bek", "Sulaiman Bek", "Sulayman Beg"], []),
            ]),
            ("balad", "Balad", "district", ("بەلەد", "Beled", "بلد"), [], []),
            ("shirqat", "Shirqat", "district", ("شەرقات", "Şerqat", "الشرقاط"),
             ["Sharqat", "al-Shirqat"], []),
            ("dujail", "Dujail", "district", ("دوجەیل", "Ducêl", "الدجيل"), ["Dujayl"], []),
            ("makhul-mountain", "Makhul Mountain", "landmark",
             ("چیای مەکحوول", "Çiyayê Mekhûl", "جبل مكحول"),
             ["Makhul", "Makhoul Mountain", "Makhoul", "Makhul Mountains", "مكحول"], []),
            ("khanoka-mountains", "Khanoka Mountains", "landmark",
             ("چیاکانی خانووکە", "Çiyayên Xanûka", "جبال خانوكة"),
             ["Khanoka", "Khanuqa Mountains", "Khanuka Mountains"], []),
        ]),
        ("diyala", "Diyala", "governorate", ("دیالە", "Diyala", "ديالى"),
         ["Diyala Governorate", "Diyala province", "Diyalah"], [
            ("baqubah", "Baqubah", "city", ("بەعقووبە", "Beqûbe", "بعقوبة"),
             ["Baquba", "Ba'qubah", "Baqouba", "Baqubah city"], []),
            ("khanaqin", "Khanaqin", "district", ("خانەقین", "Xaneqîn", "خانقين"),
             ["Khanaqeen"], []),
            ("jalawla", "Jalawla", "subdistrict", ("جەلەولا", "Celewla", "جلولاء"),
             ["Jalula", "Jalawlaa", "Jalawla town", "گوڵاڵە", "Gulale"], []),
            ("mandali", "Mandali", "subdistrict", ("مەندەلی", "Mendelî", "مندلي"),
             ["Mandili", "Mendeli"], []),
            ("kifri", "Kifri", "district", ("کفری", "Kifrî", "كفري"), ["Kefri"], []),
            ("muqdadiya", "Muqdadiya", "district", ("مقدادیە", "Miqdadiye", "المقدادية"),
             ["Muqdadiyah", "Miqdadiya"], []),
            ("khalis", "Khalis", "district", ("خالس", "Xalis", "الخالص"), ["al-Khalis"], []),
            ("saadiya", "Saadiya", "subdistrict", ("سەعدیە", "Sadiye", "السعدية"),
             ["Sadiyah", "Saadiyah", "سەعدییە"], []),
            ("qara-tapa", "Qara Tapa", "subdistrict", ("قەرەتەپە", "Qeretepe", "قره تبه"),
             ["Qaratapa", "Qara Tepe", "Qaratepe", "قرة تبة"], []),
        ]),
        ("anbar", "Anbar", "governorate", ("ئەنبار", "Enbar", "الأنبار"),
         ["Al-Anbar", "Al Anbar", "Anbar province", "Anbar Governorate"], [
            ("ramadi", "Ramadi", "city", ("ڕومادی", "Remadî", "الرمادي"), [], []),
            ("fallujah", "Fallujah", "city", ("فەللووجە", "Felûce", "الفلوجة"), ["Falluja"], []),
            ("haditha", "Haditha", "district", ("حەدیسە", "Hedîse", "حديثة"), ["Hadithah"], [
                ("haditha-dam", "Haditha Dam", "landmark",
                 ("بەنداوی حەدیسە", "Bendava Hedîseyê", "سد حديثة"), ["Lake Qadisiyah"], []),
            ]),
            ("hit", "Heet", "district", ("هیت", "Hît", "هيت"), ["Hit", "Hīt"], []),
            ("al-qaim", "al-Qaim", "district", ("قائیم", "Qaîm", "القائم"),
             ["Qaim", "Al Qaim", "al-Qa'im", "Husaybah"], []),
            ("rutba", "Rutba", "district", ("ڕوتبە", "Rutbe", "الرطبة"),
             ["Rutbah", "al-Rutba"], []),
            ("anah", "Anah", "district", ("عانە", "Ane", "عانة"), ["Ana'a"], []),
            ("rawa", "Rawa", "district", ("ڕاوە", "Rawe", "راوة"), ["Rawah"], []),
            ("ain-al-asad", "Ain al-Asad air base", "landmark",
             ("بنکەی عەین ئەلئەسەد", "Baregeha Eyn el-Esed", "قاعدة عين الأسد"),
             ["Ain al-Asad", "Ain al-Assad", "Ayn al-Asad", "Al-Asad Airbase",
              "Ain al-Asad airbase",
              "عين الأسد", "عەین ئەلئەسەد"], []),
            ("trebil", "Trebil border crossing", "landmark",
             ("دەروازەی تڕێبیل", "Deriyê Trêbîl", "منفذ طريبيل"),
             ["Trebil", "Tarbil", "Trebil crossing", "طريبيل"], []),
        ]),
        ("baghdad", "Baghdad", "governorate", ("بەغدا", "Bexda", "بغداد"),
         ["Baghdad Governorate", "Baghdad province"], [
            ("baghdad-city", "Baghdad", "city", ("بەغدا", "Bexda", "بغداد"), ["Bexdayê"], [
                ("green-zone", "Green Zone", "landmark",
                 ("ناوچەی سەوز", "Herêma Kesk", "المنطقة الخضراء"),
                 ["International Zone", "Baghdad's Green Zone", "Herema Kesk"], []),
                ("sadr-city", "Sadr City", "district", ("شاری سەدر", "Bajarê Sedr", "مدينة الصدر"),
                 ["Madinat al-Sadr"], []),
                ("kadhimiya", "Kadhimiya", "district", ("کازمیە", "Kazimiye", "الكاظمية"),
                 ["Kadhimiyah", "Kazimiyah", "Kadhimiya district"], []),
                ("tahrir-square", "Tahrir Square", "landmark",
                 ("گۆڕەپانی تەحریر", "Meydana Tehrîr", "ساحة التحرير"), [], []),
            ]),
            ("baghdad-international-airport", "Baghdad International Airport", "landmark",
             ("فڕۆکەخانەی نێودەوڵەتیی بەغدا", "Firokexaneya Navdewletî ya Bexdayê",
              "مطار بغداد الدولي"),
             ["Baghdad airport", "Baghdad International", "مطار بغداد", "فڕۆکەخانەی بەغدا"], []),
            ("abu-ghraib", "Abu Ghraib", "district", ("ئەبوغرێب", "Ebû Xerîb", "أبو غريب"),
             ["Abu Ghuraib", "Abu Ghurayb"], []),
            ("tarmiyah", "Tarmiyah", "district", ("تارمیە", "Tarmiye", "الطارمية"),
             ["Tarmiya"], []),
            ("taji", "Taji", "subdistrict", ("تاجی", "Tacî", "التاجي"), ["Camp Taji"], []),
        ]),
        ("basra", "Basra", "governorate", ("بەسرە", "Besra", "البصرة"),
         ["Basrah", "Basra province", "Basra Governorate"], [
            ("basra-city", "Basra", "city", ("بەسرە", "Besra", "البصرة"), ["Basrah"], []),
            ("zubair", "Zubair", "district", ("زوبێر", "Zubeyr", "الزبير"),
             ["al-Zubair", "Zubayr"], []),
            ("umm-qasr", "Umm Qasr", "town", ("ئوم قەسر", "Um Qesr", "أم قصر"),
             ["Umm Qasr port", "Um Qasr"], []),
            ("faw", "Faw", "district", ("فاو", "Faw", "الفاو"), ["al-Faw", "Fao", "al-Fao"], []),
            ("qurna", "Qurna", "district", ("قورنە", "Qurne", "القرنة"),
             ["al-Qurnah", "Qurnah"], []),
            ("safwan", "Safwan", "subdistrict", ("سەفوان", "Sefwan", "صفوان"), [], []),
            ("shalamcheh", "Shalamcheh border crossing", "landmark",
             ("دەروازەی شەلامچە", "Deriyê Şelamçe", "منفذ الشلامجة"),
             ["Shalamcheh", "Shalamcha", "Shalamche", "الشلامجة"], []),
            ("rumaila", "Rumaila oil field", "landmark",
             ("کێڵگەی ڕومەیلە", "Zeviya Rumeyla", "حقل الرميلة"),
             ["Rumaila", "Rumaila field", "الرميلة"], []),
        ]),
        ("babil", "Babil", "governorate", ("بابل", "Babil", "بابل"),
         ["Babylon Governorate", "Babil province", "Babylon province"], [
            ("hillah", "Hillah", "city", ("حیللە", "Hile", "الحلة"), ["Hilla", "al-Hillah"], []),
            ("musayyib", "Musayyib", "district", ("موسەیب", "Museyib", "المسيب"), ["Musayib"], []),
            ("jurf-al-sakhar", "Jurf al-Sakhar", "subdistrict",
             ("جورف ئەلسەخەر", "Curf el-Sexer", "جرف الصخر"),
             ["Jurf al-Nasr", "Jurf al-Sakher", "جرف النصر"], []),
        ]),
        ("karbala", "Karbala", "governorate", ("کەربەلا", "Kerbela", "كربلاء"),
         ["Kerbala", "Karbala province", "Karbala Governorate"], [
            ("karbala-city", "Karbala", "city", ("کەربەلا", "Kerbela", "كربلاء"), ["Kerbala"], []),
        ]),
        ("najaf", "Najaf", "governorate", ("نەجەف", "Necef", "النجف"),
         ["Najaf province", "Najaf Governorate"], [
            ("najaf-city", "Najaf", "city", ("نەجەف", "Necef", "النجف"), [], []),
            ("kufa", "Kufa", "district", ("کووفە", "Kûfe", "الكوفة"), ["Kufah"], []),
        ]),
        ("wasit", "Wasit", "governorate", ("واست", "Wasit", "واسط"),
         ["Wassit", "Wasit province", "Wasit Governorate"], [
            ("kut", "Kut", "city", ("کووت", "Kût", "الكوت"), ["al-Kut", "Kut al-Amara"], []),
            ("zurbatiyah", "Zurbatiyah border crossing", "landmark",
             ("دەروازەی زورباتیە", "Deriyê Zurbatiyê", "منفذ زرباطية"),
             ["Zurbatiyah", "Zurbatiya", "زرباطية"], []),
        ]),
        ("maysan", "Maysan", "governorate", ("مەیسان", "Meysan", "ميسان"),
         ["Missan", "Maysan province", "Maysan Governorate"], [
            ("amarah", "Amarah", "city", ("عەمارە", "Emare", "العمارة"),
             ["Amara", "al-Amarah"], []),
        ]),
        ("dhi-qar", "Dhi Qar", "governorate", ("زیقار", "Ziqar", "ذي قار"),
         ["Thi Qar", "Dhiqar", "Dhi Qar province", "Dhi Qar Governorate", "Zi Qar"], [
            ("nasiriyah", "Nasiriyah", "city", ("ناسریە", "Nasiriye", "الناصرية"),
             ["Nasiriya", "Nassiriya", "Nasiriyah city"], []),
        ]),
        ("muthanna", "Muthanna", "governorate", ("موسەننا", "Musenna", "المثنى"),
         ["Al-Muthanna", "Muthanna province", "Muthanna Governorate"], [
            ("samawah", "Samawah", "city", ("سەماوە", "Semawe", "السماوة"),
             ["Samawa", "al-Samawah"], []),
        ]),
        ("qadisiyah", "Qadisiyah", "governorate", ("قادسیە", "Qadisiye", "القادسية"),
         ["Al-Qadisiyah", "Qadisiya", "Diwaniyah province", "Diwaniyah Governorate",
          "Qadisiyah province"], [
            ("diwaniyah", "Diwaniyah", "city", ("دیوانیە", "Dîwaniye", "الديوانية"),
             ["Diwaniya", "Diwaniyah city", "al-Diwaniyah"], []),
        ]),
        ("hamrin-mountains", "Hamrin Mountains", "area",
         ("چیای حەمرین", "Çiyayê Hemrîn", "جبال حمرين"),
         ["Hamrin", "Hemrin Mountains", "Jabal Hamrin", "Hamreen Mountains", "Mount Hamrin",
          "حمرين", "حەمرین"], []),
    ]),
    ("hawraman", "Hawraman", "area", ("هەورامان", "Hewraman", "هورامان"),
     ["Hewraman", "Awraman", "Uraman", "Hawraman region"], []),
    ("tigris", "Tigris River", "river", ("ڕووباری دیجلە", "Çemê Dîcleyê", "نهر دجلة"),
     ["Tigris", "River Tigris", "دجلة", "دیجلە", "Dîcle"], []),
    ("euphrates", "Euphrates River", "river", ("ڕووباری فورات", "Çemê Feratê", "نهر الفرات"),
     ["Euphrates", "River Euphrates", "فورات", "Ferat"], []),
    ("great-zab", "Great Zab River", "river", ("زێی گەورە", "Zêyê Mezin", "الزاب الكبير"),
     ["Great Zab", "Greater Zab", "Upper Zab", "Great Zab river", "Zab al-Kabir"], []),
    ("little-zab", "Little Zab River", "river", ("زێی بچووک", "Zêyê Biçûk", "الزاب الصغير"),
     ["Little Zab", "Lesser Zab", "Lower Zab", "Zab al-Saghir"], []),
    ("diyala-river", "Diyala River", "river", ("ڕووباری سیروان", "Çemê Sîrwanê", "نهر ديالى"),
     ["Sirwan River", "River Diyala", "Çemê Sîrwan", "نهر سيروان"], []),
    ("khabur", "Khabur River", "river", ("ڕووباری خابوور", "Çemê Xabûrê", "نهر الخابور"),
     ["Khabur", "Habur River", "Khabour River", "الخابور", "خابوور", "Xabûr"], []),
    ("shatt-al-arab", "Shatt al-Arab", "river", ("شەتولعەرەب", "Şetul-Ereb", "شط العرب"),
     ["Shatt al Arab", "Arvand Rud", "Arvand River", "Shatt al-Arab waterway"], []),
]  # fmt: skip

LANGUAGES = ("ckb", "kmr", "ar")  # the order of the names in each entry


def iter_gazetteer(entries=GAZETTEER, parent_slug=None):
    """Yield (slug, name, kind, names, alternative_names, parent_slug), parents before
    children; `names` maps language codes (ckb, kmr, ar) to the place's name."""
    for slug, name, kind, names, alternatives, children in entries:
        yield slug, name, kind, dict(zip(LANGUAGES, names, strict=True)), alternatives, parent_slug
        yield from iter_gazetteer(children, slug)


@transaction.atomic
def load_gazetteer(region_model):
    """Create or update every gazetteer place; returns how many places the gazetteer holds.

    Takes the model so that a data migration can pass its historical model, which has
    no custom save() (and, before migration 0013, no `names`: those are then left out).
    A place is found by its slug, so its row, and the articles linked to it, stay; a
    place the gazetteer moves takes the places inside it along (editors' own places
    too). Spellings an editor added to `alternative_names` are kept; the gazetteer's
    own names per language replace those it gives."""
    has_names = any(field.name == "names" for field in region_model._meta.get_fields())
    by_slug = {}
    for slug, name, kind, names, alternatives, parent_slug in iter_gazetteer():
        parent = by_slug.get(parent_slug)
        path = f"{parent.path if parent else ''}{slug}/"
        region = region_model.objects.filter(slug=slug).first()
        if region is None:
            region = region_model(slug=slug)
            old_path = None
        else:
            old_path = region.path
            kept = [a for a in region.alternative_names or [] if a not in alternatives]
            alternatives = [*alternatives, *kept]
        region.name, region.kind, region.alternative_names = name, kind, alternatives
        region.parent, region.path, region.depth = parent, path, path.count("/") - 1
        if has_names:
            region.names = {**(region.names or {}), **names}
        region.save()
        if old_path and old_path != path:
            region_model.objects.filter(path__startswith=old_path).exclude(pk=region.pk).update(
                path=Concat(Value(path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (path.count("/") - old_path.count("/")),
            )
        by_slug[slug] = region
    return len(by_slug)
