"""The five demo letters. Titles, addressees and date lines are as published; bodies are our own short summaries.

The Arabic, Chinese and Russian versions are our own translations of those summaries (the letters were published in
English, Spanish and French), so that the demo shows a letter in all six UN languages. They print the default
language's list (names keep their own language in every version, as in seed 000) and word it themselves
(signatories_label…), as a coalition does for a language the interface does not speak yet.
"""

LETTERS = [
    {
        "seed": "000",
        "slug": "hrc-elections-2021-asia-pacific",
        "title": "HRC elections 2021 — Asia Pacific Group slate",
        "status": "finalised",
        "default_language": "en",
        "layout": "lines",
        "versions": {
            "en": {
                "title": "Asia Pacific Group candidates for UN Human Rights Council elections, 2021",
                "addressee": "To: Member States of the Asia Pacific Group",
                "date_line": "25th May 2021",
                "closing": "Sincerely,",
                "body": (
                    "Excellencies,\n\n"
                    "**We ask the Asia Pacific Group to present a competitive slate for the 2021 Human Rights "
                    "Council elections**, with more candidates than seats, announced early enough for real campaigning.\n\n"
                    "Closed slates turn an election into an appointment. We also ask every candidate to publish "
                    "voluntary pledges in good time, after consulting civil society, and to take part in the "
                    "pledging events held each September."
                ),
            },
            "es": {
                "title": "Candidatos del Grupo de los Estados de Asia y el Pacífico para las elecciones al Consejo de Derechos Humanos de la ONU, 2021",
                "addressee": "A: Estados miembros del Grupo de los Estados de Asia y el Pacífico",
                "date_line": "25 de mayo de 2021",
                "closing": "Sinceramente,",
                "body": (
                    "Excelencias:\n\n"
                    "**Pedimos al Grupo de Asia y el Pacífico que presente una lista competitiva para las elecciones "
                    "de 2021 al Consejo de Derechos Humanos**, con más candidaturas que puestos y anunciadas a tiempo.\n\n"
                    "Las listas cerradas convierten la elección en un nombramiento. Pedimos también a cada candidatura "
                    "que publique a tiempo sus compromisos voluntarios y participe en los eventos de septiembre."
                ),
            },
            "fr": {
                "title": "Candidats du Groupe Asie Pacifique aux élections du Conseil des droits de l'homme de l'ONU, 2021",
                "addressee": "Aux : États membres du Groupe Asie Pacifique",
                "date_line": "25 mai 2021",
                "closing": "Sincèrement,",
                "body": (
                    "Excellences,\n\n"
                    "**Nous demandons au Groupe Asie-Pacifique de présenter une liste compétitive aux élections 2021 "
                    "du Conseil des droits de l'homme**, avec plus de candidats que de sièges, annoncés assez tôt.\n\n"
                    "Une liste fermée transforme l'élection en nomination. Nous demandons aussi à chaque candidat de "
                    "publier à temps ses engagements volontaires et de participer aux événements de septembre."
                ),
            },
            "ar": {
                "title": "مرشحو مجموعة آسيا والمحيط الهادئ لانتخابات مجلس حقوق الإنسان التابع للأمم المتحدة، 2021",
                "addressee": "إلى: الدول الأعضاء في مجموعة آسيا والمحيط الهادئ",
                "date_line": "25 أيار/مايو 2021",
                "closing": "مع خالص التقدير،",
                "body": (
                    "أصحاب السعادة،\n\n"
                    "**نطلب من مجموعة آسيا والمحيط الهادئ أن تقدّم قائمة تنافسية لانتخابات مجلس حقوق الإنسان لعام "
                    "2021**، يفوق فيها عدد المرشحين عدد المقاعد، ويُعلن عنها مبكراً بما يكفي لحملات انتخابية حقيقية.\n\n"
                    "القوائم المغلقة تحوّل الانتخاب إلى تعيين. ونطلب أيضاً من كل مرشح أن ينشر تعهداته الطوعية في الوقت "
                    "المناسب، بعد التشاور مع المجتمع المدني، وأن يشارك في فعاليات التعهدات التي تُعقد كل أيلول/سبتمبر."
                ),
                "signatories_label": "الموقعون",
                "organisations_label": "المنظمات",
                "individuals_label": "الأفراد (الانتماء لأغراض التعريف فقط)",
                "unnamed_label": "ومنظمات لا يمكن ذكر أسمائها لأسباب أمنية: {count}",
            },
            "zh": {
                "title": "亚太集团2021年联合国人权理事会选举候选国",
                "addressee": "致：亚太集团成员国",
                "date_line": "2021年5月25日",
                "closing": "此致敬礼",
                "body": (
                    "各位阁下：\n\n"
                    "**我们请亚太集团为2021年人权理事会选举提出有竞争的候选名单**，候选国多于席位，"
                    "并及早公布，以便开展真正的竞选。\n\n"
                    "没有竞争的名单把选举变成任命。我们还请每个候选国在与民间社会协商后及时公布自愿承诺，"
                    "并参加每年九月举行的承诺活动。"
                ),
                "signatories_label": "签署方",
                "organisations_label": "组织",
                "individuals_label": "个人（所属机构仅供识别）",
                "unnamed_label": "以及因安全原因无法具名的组织：{count} 个",
            },
            "ru": {
                "title": "Кандидаты Группы государств Азии и Тихого океана на выборах в Совет ООН по правам человека, 2021 год",
                "addressee": "Кому: государствам — членам Группы государств Азии и Тихого океана",
                "date_line": "25 мая 2021 г.",
                "closing": "С уважением,",
                "body": (
                    "Ваши превосходительства!\n\n"
                    "**Мы просим Группу государств Азии и Тихого океана выставить на выборы 2021 года в Совет по правам "
                    "человека конкурентный список**, в котором кандидатов больше, чем мест, и объявить его достаточно "
                    "рано для настоящей кампании.\n\n"
                    "Закрытый список превращает выборы в назначение. Мы также просим каждого кандидата своевременно "
                    "опубликовать добровольные обязательства, посоветовавшись с гражданским обществом, и участвовать "
                    "в мероприятиях по обязательствам, которые проходят каждый сентябрь."
                ),
                "signatories_label": "Подписавшие",
                "organisations_label": "Организации",
                "individuals_label": "Частные лица (место работы указано только для идентификации)",
                "unnamed_label": "а также организации, которые не могут быть названы по соображениям безопасности: {count}",
            },
        },
    },
    {
        "seed": "001",
        "slug": "hrc-elections-2021-weog",
        "title": "HRC elections 2021 — WEOG slate",
        "status": "finalised",
        "default_language": "en",
        "layout": "lines",
        "versions": {
            "en": {
                "title": "WEOG candidates for UN Human Rights Council elections, 2021",
                "addressee": "To: Member States of the Western European and Others Group (WEOG)",
                "date_line": "25th May 2021",
                "closing": "Sincerely,",
                "body": (
                    "Excellencies,\n\n"
                    "**We ask the WEOG to present a competitive slate for the 2021 Human Rights Council elections.** "
                    "Uncontested slates deprive the General Assembly of a real choice.\n\n"
                    "Candidates should publish their pledges early and join the September pledging events."
                ),
            },
            "es": {
                "title": "Candidatos del WEOG para las elecciones al Consejo de Derechos Humanos de la ONU, 2021",
                "addressee": "A: Estados miembros del Grupo de Europa Occidental y otros (WEOG)",
                "date_line": "25 de mayo de 2021",
                "closing": "Sinceramente,",
                "body": (
                    "Excelencias:\n\n"
                    "**Pedimos al WEOG que presente una lista competitiva para las elecciones de 2021 al Consejo.** "
                    "Las listas sin competencia privan a la Asamblea General de una elección real.\n\n"
                    "Las candidaturas deberían publicar pronto sus compromisos y participar en los eventos de septiembre."
                ),
            },
            "fr": {
                "title": "Candidats du WEOG aux élections au Conseil des droits de l'homme de l'ONU, 2021",
                "addressee": "Aux : États membres du Groupe des États d'Europe occidentale et autres États (WEOG)",
                "date_line": "25 mai 2021",
                "closing": "Sincèrement,",
                "body": (
                    "Excellences,\n\n"
                    "**Nous demandons au WEOG de présenter une liste compétitive aux élections 2021 du Conseil.** "
                    "Une liste sans concurrence prive l'Assemblée générale d'un véritable choix.\n\n"
                    "Les candidats devraient publier tôt leurs engagements et participer aux événements de septembre."
                ),
            },
        },
    },
    {
        "seed": "002",
        "slug": "hrc-members-cooperation-reprisals",
        "title": "Council candidates: cooperation with Special Procedures and reprisals",
        "status": "closed",
        "default_language": "en",
        "layout": "numbered",
        "versions": {
            "en": {
                "title": "Letter to candidates for membership of the UN Human Rights Council",
                "addressee": "To: Member States candidates to the UN Human Rights Council\nCc: Member States of the UN General Assembly",
                "date_line": "",
                "closing": "Yours sincerely,",
                "body": (
                    "Excellencies,\n\n"
                    "Council members must uphold the highest standards and cooperate fully with the Council. "
                    "**We ask candidates to issue standing invitations to the Special Procedures, answer their "
                    "communications, and report on how recommendations are implemented.**\n\n"
                    "**We also ask you to prevent reprisals** against people who cooperate with the UN, to act when "
                    "they happen, and to support monitoring of intimidation by the Council."
                ),
            },
        },
    },
    {
        "seed": "003",
        "slug": "hrc43-mutually-beneficial-cooperation",
        "title": "HRC43 — concerns with draft resolution L.31 (footnote list)",
        "status": "finalised",
        "default_language": "en",
        "layout": "inline",
        "versions": {
            "en": {
                "title": "Annex: key concerns with draft resolution A/HRC/43/L.31 on promoting mutually beneficial cooperation in the field of human rights",
                "addressee": "",
                "date_line": "",
                "closing": "",
                "body": (
                    "Our organisations set out why draft resolution A/HRC/43/L.31 should be rejected.\n\n"
                    "- \"Mutually beneficial cooperation\" has no agreed meaning and recasts human rights as "
                    "negotiations between States.\n"
                    "- The text questions the Council's mandate to address violations.\n"
                    "- Real cooperation includes civil society and independent mechanisms.\n\n"
                    "**We urge States to call a vote, vote against, and explain their vote.**"
                ),
            },
        },
    },
    {
        "seed": "004",
        "slug": "hrc37-win-win-cooperation",
        "title": "HRC37 — draft resolution on “win-win cooperation”",
        "status": "open",
        "default_language": "en",
        "layout": "name-country",
        "versions": {
            "en": {
                "title": "Draft resolution on “Promoting the International Human Rights Cause through Win-Win Cooperation” at the 37th UN Human Rights Council session",
                "addressee": "To: Member and Observer States of the Human Rights Council",
                "date_line": "",
                "closing": "Signatories:",
                "body": (
                    "The draft resolution lacks balance and undermines accepted international human rights law.\n\n"
                    "It leaves out victims, the accountability of States and the role of civil society, and treats "
                    "cooperation as something between States only. **We ask States to reject it as drafted.**"
                ),
            },
        },
    },
]
