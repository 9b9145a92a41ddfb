<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name>BarChart</name>
    <message>
        <location filename="../dashboard.py" line="71"/>
        <source>Pas encore de données</source>
        <translation>No data yet</translation>
    </message>
</context>
<context>
    <name>DashboardDialog</name>
    <message>
        <location filename="../dashboard.py" line="111"/>
        <source>Mon bilan</source>
        <translation>My results</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="123"/>
        <source>Sur les %1 dernières semaines : %2 tâche(s), %3 gagnées, %4 des documents exportés avec peu de retouches, %5 de réponses « cela m&apos;a aidé ».</source>
        <translation>Over the last %1 weeks: %2 task(s), %3 saved, %4 of documents exported with few edits, %5 of answers « it helped me ».</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="132"/>
        <source>Aucune tâche mesurée pour l&apos;instant : votre bilan apparaîtra ici.</source>
        <translation>No task measured yet: your results will appear here.</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="140"/>
        <source>Temps gagné par semaine (minutes)</source>
        <translation>Time saved per week (minutes)</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="146"/>
        <source>Tâches les plus utilisées</source>
        <translation>Most used tasks</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="152"/>
        <source>Documents exportés avec peu de retouches</source>
        <translation>Documents exported with few edits</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="168"/>
        <source>Ces mesures restent sur ce poste et ne contiennent aucun texte. L&apos;établissement n&apos;en reçoit que des totaux par tâche et par semaine, sans nom.</source>
        <translation>These measures stay on this computer and contain no text. The hospital only receives totals per task and per week, without names.</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="175"/>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>DictationBar</name>
    <message>
        <location filename="../dictation_bar.py" line="56"/>
        <source>Avancement de la dictée</source>
        <translation>Dictation progress</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="60"/>
        <source>Arrêter la dictée</source>
        <translation>Stop the dictation</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="68"/>
        <location filename="../dictation_bar.py" line="108"/>
        <source>Dicter</source>
        <translation>Dictate</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="69"/>
        <source>Dicter au micro</source>
        <translation>Dictate into the microphone</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="71"/>
        <source>Enregistrer au micro (gardé en mémoire, jamais écrit), puis transcrire</source>
        <translation>Record from the microphone (kept in memory, never written), then transcribe</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="109"/>
        <source>enregistrement</source>
        <translation>recording</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="115"/>
        <source>Terminer la dictée (%s)</source>
        <translation>Finish dictating (%s)</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="126"/>
        <source>Une dictée est déjà en cours de transcription : attendez-la ou arrêtez-la.</source>
        <translation>A dictation is already being transcribed: wait for it or stop it.</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="138"/>
        <source>Dictée « %s » : préparation…</source>
        <translation>Dictation “%s”: getting ready…</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="187"/>
        <source>Dictée « %s » : %s%s</source>
        <translation>Dictation “%s”: %s%s</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="195"/>
        <source>Aucune parole reconnue dans « %s ».</source>
        <translation>No speech recognised in “%s”.</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="205"/>
        <source>La transcription a échoué : réessayez.</source>
        <translation>The transcription failed: try again.</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="219"/>
        <source> (arrêtée : le texte entendu est gardé)</source>
        <translation> (stopped: the text heard so far is kept)</translation>
    </message>
    <message>
        <location filename="../dictation_bar.py" line="220"/>
        <source>%s, transcrite sur ce poste</source>
        <translation>%s, transcribed on this workstation</translation>
    </message>
</context>
<context>
    <name>DraftFlow</name>
    <message>
        <location filename="../draft_flow.py" line="113"/>
        <source>Lecture de %s…</source>
        <translation>Reading %s…</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="129"/>
        <source>Lecture du fichier en cours…</source>
        <translation>Reading the file…</translation>
    </message>
    <message numerus="yes">
        <location filename="../draft_flow.py" line="135"/>
        <source>Le formulaire contient %n erreur(s) : %s.</source>
        <translation>
            <numerusform>The form has %n error: %s.</numerusform>
            <numerusform>The form has %n errors: %s.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="137"/>
        <source>Corrigez les champs signalés en rouge.</source>
        <translation>Correct the fields marked in red.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="145"/>
        <source>Complétez les informations puis relancez.</source>
        <translation>Complete the information, then start again.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="179"/>
        <source>Valeurs lues dans le texte source, surlignées : à vérifier.</source>
        <translation>Values read from the source text, highlighted: please check.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="241"/>
        <source>Le serveur sera de nouveau essayé dans une minute.</source>
        <translation>The server will be tried again in a minute.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="264"/>
        <source>Votre brouillon est conservé. Relancez la génération.</source>
        <translation>Your draft is kept. Run the generation again.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="267"/>
        <source>Votre brouillon est conservé. Le moteur redémarre : relancez la génération dans un instant.</source>
        <translation>Your draft is kept. The engine is restarting: generate again in a moment.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="296"/>
        <source>Brouillon copié dans le presse-papiers.</source>
        <translation>Draft copied to the clipboard.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="302"/>
        <source>Cette tâche n&apos;a pas de texte source : il n&apos;y a pas de modifications.</source>
        <translation>This task has no source text: there are no changes to show.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="303"/>
        <source>Utilisez « Exporter en Word ».</source>
        <translation>Use « Export to Word ».</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="312"/>
        <source>Le brouillon est vide : rien à exporter.</source>
        <translation>The draft is empty: nothing to export.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="313"/>
        <source>Générez ou saisissez d&apos;abord le texte.</source>
        <translation>Generate or type the text first.</translation>
    </message>
    <message numerus="yes">
        <location filename="../draft_flow.py" line="337"/>
        <source>Le brouillon ne reprend pas %n information(s) du texte source : %s. Exporter quand même ?</source>
        <translation>
            <numerusform>The draft leaves out %n item of the source: %s. Export anyway?</numerusform>
            <numerusform>The draft leaves out %n items of the source: %s. Export anyway?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../draft_flow.py" line="347"/>
        <source>Le brouillon reprend %n chiffre(s) du document scanné que la lecture n&apos;a pas pu garantir : %s. Vérifiez-les sur l&apos;original. Exporter quand même ?</source>
        <translation>
            <numerusform>The draft uses %n figure from the scanned document that the reading could not guarantee: %s. Check it on the original. Export anyway?</numerusform>
            <numerusform>The draft uses %n figures from the scanned document that the reading could not guarantee: %s. Check them on the original. Export anyway?</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="360"/>
        <source>Enregistrement du document…</source>
        <translation>Saving the document…</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="382"/>
        <source>Complétez les informations puis réessayez.</source>
        <translation>Complete the information, then try again.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="387"/>
        <source>Choisissez un autre dossier ou libérez de la place, puis réessayez.</source>
        <translation>Choose another folder or free some space, then try again.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="392"/>
        <source>Le document n&apos;a pas pu être enregistré (erreur inattendue).</source>
        <translation>The document could not be saved (unexpected error).</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="393"/>
        <source>Votre brouillon est conservé. Réessayez.</source>
        <translation>Your draft is kept. Try again.</translation>
    </message>
    <message>
        <location filename="../draft_flow.py" line="371"/>
        <source>Document enregistré : %s</source>
        <translation>Document saved: %s</translation>
    </message>
</context>
<context>
    <name>DraftKeeping</name>
    <message>
        <location filename="../draft_keeping.py" line="62"/>
        <source>Brouillon non conservé dans l&apos;historique : %s</source>
        <translation>Draft not kept in the history: %s</translation>
    </message>
</context>
<context>
    <name>DraftPanel</name>
    <message>
        <location filename="../draft_panel.py" line="32"/>
        <location filename="../draft_panel.py" line="34"/>
        <source>Brouillon</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="35"/>
        <source>Le texte produit, modifiable avant export.</source>
        <translation>The text produced, editable before export.</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="37"/>
        <source>Le brouillon s&apos;affichera ici. Vous pourrez le modifier avant de l&apos;exporter.</source>
        <translation>The draft will appear here. You can edit it before exporting it.</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="39"/>
        <source>Générer</source>
        <translation>Generate</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="40"/>
        <source>Arrêter</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="41"/>
        <source>Régénérer</source>
        <translation>Regenerate</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="42"/>
        <source>Copier</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="43"/>
        <source>Vérifier</source>
        <translation>Review</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="44"/>
        <source>Exporter en Word</source>
        <translation>Export to Word</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="58"/>
        <source>Points à vérifier dans le brouillon</source>
        <translation>Points to check in the draft</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="60"/>
        <source>Continuer</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location filename="../draft_panel.py" line="61"/>
        <source>Le modèle reprend là où le texte s&apos;arrête.</source>
        <translation>The model goes on from where the text stops.</translation>
    </message>
</context>
<context>
    <name>EngineStatus</name>
    <message>
        <location filename="../widgets.py" line="68"/>
        <source>Modèle : chargement…</source>
        <translation>Model: loading…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="69"/>
        <source>Modèle utilisé</source>
        <translation>Model in use</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="74"/>
        <source>Chargement du modèle</source>
        <translation>Model loading</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="78"/>
        <source>Vitesse de génération</source>
        <translation>Generation speed</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="81"/>
        <location filename="../widgets.py" line="195"/>
        <source>✔ 100 % local — aucune donnée ne quitte ce poste</source>
        <translation>✔ 100% local — no data leaves this computer</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="87"/>
        <location filename="../widgets.py" line="201"/>
        <source>Fonctionnement 100 % local</source>
        <translation>100% local operation</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="92"/>
        <source>Préparation des tâches à l&apos;avance</source>
        <translation>Preparing tasks in advance</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="108"/>
        <source>Modèle : %s — chargement…</source>
        <translation>Model: %s — loading…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="115"/>
        <source>Modèle : %s (ce poste, le serveur ne répond pas)</source>
        <translation>Model: %s (this computer, the server does not answer)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="119"/>
        <source>Modèle : %s (prêt)</source>
        <translation>Model: %s (ready)</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="125"/>
        <source>Serveur « %1 » — modèle %2</source>
        <translation>Server « %1 » — model %2</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="133"/>
        <source>Rédaction en cours…</source>
        <translation>Writing…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="138"/>
        <source>Lecture du texte : %1 %</source>
        <translation>Reading the text: %1 %</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="146"/>
        <source>Texte long : partie %1 sur %2</source>
        <translation>Long text: part %1 of %2</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="152"/>
        <source>Vérification des faits : %n information(s) à reprendre…</source>
        <translation>Checking facts: %n item(s) to restore…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="166"/>
        <source>Préparation des tâches : %1/%2</source>
        <translation>Preparing tasks: %1/%2</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="171"/>
        <source>%1 jetons — %2 jetons/s</source>
        <translation>%1 tokens — %2 tokens/s</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="175"/>
        <source>Terminé : %1 jetons en %2 s</source>
        <translation>Done: %1 tokens in %2 s</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="181"/>
        <source>Génération arrêtée : le texte déjà écrit est conservé.</source>
        <translation>Generation stopped: the text written so far is kept.</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="188"/>
        <source>Modèle : indisponible</source>
        <translation>Model: unavailable</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="205"/>
        <source>Serveur de l&apos;hôpital « %s » — identifiants pseudonymisés</source>
        <translation>Hospital server « %s » — identifiers pseudonymised</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="209"/>
        <source>Serveur de l&apos;hôpital « %s » — textes envoyés tels quels</source>
        <translation>Hospital server « %s » — texts sent as they are</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="215"/>
        <source>Rédaction sur le serveur de l&apos;hôpital</source>
        <translation>Drafting on the hospital&apos;s server</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <location filename="../widgets.py" line="30"/>
        <source>Message d&apos;erreur</source>
        <translation>Error message</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="37"/>
        <source>Fermer le message</source>
        <translation>Close the message</translation>
    </message>
</context>
<context>
    <name>FeedbackBar</name>
    <message>
        <location filename="../feedback.py" line="44"/>
        <source>Votre avis sur cette tâche</source>
        <translation>Your opinion of this task</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="61"/>
        <source>&amp;Oui</source>
        <translation>&amp;Yes</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="62"/>
        <source>&amp;Un peu</source>
        <translation>&amp;A little</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="63"/>
        <source>&amp;Non</source>
        <translation>&amp;No</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="74"/>
        <source>Passer</source>
        <translation>Skip</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="76"/>
        <source>Ne plus demander</source>
        <translation>Don&apos;t ask again</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="85"/>
        <source>Temps gagné, environ :</source>
        <translation>Time saved, roughly:</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="90"/>
        <source>%s min</source>
        <translation>%s min</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="90"/>
        <source>1 h</source>
        <translation>1 h</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="98"/>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="99"/>
        <source>Minutes gagnées</source>
        <translation>Minutes saved</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="100"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../feedback.py" line="111"/>
        <source>« %s » vous a-t-elle aidé ?</source>
        <translation>Did « %s » help you?</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <location filename="../task_form.py" line="57"/>
        <source>Erreur : %s</source>
        <translation>Error: %s</translation>
    </message>
    <message>
        <location filename="../task_form.py" line="82"/>
        <source>Valeur lue dans le texte source : à vérifier.</source>
        <translation>Value read from the source text: please check.</translation>
    </message>
</context>
<context>
    <name>FilingFlow</name>
    <message>
        <location filename="../filing_flow.py" line="51"/>
        <source>Patient</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="74"/>
        <source>Rouvrez le document depuis le DPI.</source>
        <translation>Open the document again from the patient record.</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="86"/>
        <source>Changer de patient</source>
        <translation>Change patient</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="88"/>
        <source>Le DPI ouvre le patient IPP %1. Le brouillon en cours reste ouvert : classé ensuite, il le serait pour ce nouveau patient. Changer de patient ?</source>
        <translation>The patient record opens patient IPP %1. The current draft stays open: filed afterwards, it would be filed for this new patient. Change patient?</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="108"/>
        <source>Patient : IPP %s (identité à compléter)</source>
        <translation>Patient: IPP %s (identity to complete)</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="129"/>
        <source>Patient : IPP %1 — identité à saisir (%2)</source>
        <translation>Patient: IPP %1 — identity to type (%2)</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="160"/>
        <source>Le brouillon est vide : rien à classer.</source>
        <translation>The draft is empty: nothing to file.</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="161"/>
        <source>Générez ou saisissez d&apos;abord le texte.</source>
        <translation>Generate or type the text first.</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="170"/>
        <source>Classement dans le dossier patient…</source>
        <translation>Filing in the patient record…</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="188"/>
        <source>Vérifiez l&apos;identité du patient, ou appelez le bureau des entrées.</source>
        <translation>Check the patient&apos;s identity, or call the admissions office.</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="197"/>
        <source>Le document reste exportable en Word.</source>
        <translation>The document can still be exported to Word.</translation>
    </message>
    <message>
        <location filename="../filing_flow.py" line="214"/>
        <source>Le document en attente a été refusé ; il est retiré.</source>
        <translation>The waiting document was refused; it is removed.</translation>
    </message>
    <message numerus="yes">
        <location filename="../filing_flow.py" line="220"/>
        <source>En attente d&apos;envoi (%n)</source>
        <translation>
            <numerusform>Waiting to be sent (%n)</numerusform>
            <numerusform>Waiting to be sent (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../history_dialog.py" line="140"/>
        <source>Historique des brouillons</source>
        <translation>Draft history</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="144"/>
        <source>Rechercher (tâche, date, statut)…</source>
        <translation>Search (task, date, status)…</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="145"/>
        <source>Rechercher dans l&apos;historique</source>
        <translation>Search the history</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="150"/>
        <source>Modifié le</source>
        <translation>Modified</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="150"/>
        <source>Tâche</source>
        <translation>Task</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="150"/>
        <source>Statut</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="152"/>
        <source>Brouillons conservés</source>
        <translation>Kept drafts</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="163"/>
        <source>R&amp;ouvrir</source>
        <translation>Re&amp;open</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="166"/>
        <source>E&amp;xporter à nouveau…</source>
        <translation>E&amp;xport again…</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="168"/>
        <source>&amp;Supprimer</source>
        <translation>&amp;Delete</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="170"/>
        <source>&amp;Fermer</source>
        <translation>&amp;Close</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="204"/>
        <source>Aucun brouillon conservé.</source>
        <translation>No draft kept.</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="246"/>
        <source>La tâche de ce brouillon n&apos;est plus disponible sur ce poste.</source>
        <translation>This draft&apos;s task is no longer available on this computer.</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="247"/>
        <source>Le pack a été retiré ou votre rôle ne le propose plus.</source>
        <translation>The pack was removed or your role no longer offers it.</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="253"/>
        <source>Les autres brouillons restent ouverts.</source>
        <translation>The other drafts can still be opened.</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="276"/>
        <source>Supprimer le brouillon</source>
        <translation>Delete the draft</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="277"/>
        <source>Supprimer définitivement ce brouillon (%s) ?</source>
        <translation>Delete this draft (%s) for good?</translation>
    </message>
</context>
<context>
    <name>InfoBanner</name>
    <message>
        <location filename="../widgets.py" line="57"/>
        <source>Information</source>
        <translation>Information</translation>
    </message>
</context>
<context>
    <name>JobDialog</name>
    <message>
        <location filename="../job_dialog.py" line="28"/>
        <source>Votre métier</source>
        <translation>Your job</translation>
    </message>
    <message>
        <location filename="../job_dialog.py" line="32"/>
        <source>Choisissez votre métier : ses tâches viendront en premier dans la bibliothèque. Vous pourrez le changer dans Paramètres.</source>
        <translation>Choose your job: its tasks will come first in the library. You can change it in Settings.</translation>
    </message>
    <message>
        <location filename="../job_dialog.py" line="38"/>
        <source>Métiers</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location filename="../job_dialog.py" line="39"/>
        <source>Flèches pour choisir, Entrée pour valider.</source>
        <translation>Arrows to choose, Enter to confirm.</translation>
    </message>
    <message>
        <location filename="../job_dialog.py" line="52"/>
        <source>&amp;Choisir</source>
        <translation>&amp;Choose</translation>
    </message>
    <message>
        <location filename="../job_dialog.py" line="55"/>
        <source>Plus &amp;tard</source>
        <translation>&amp;Later</translation>
    </message>
    <message>
        <location filename="../job_dialog.py" line="56"/>
        <source>Choisir plus tard : toutes les tâches, sans ordre</source>
        <translation>Choose later: all tasks, in no particular order</translation>
    </message>
</context>
<context>
    <name>KeyBox</name>
    <message>
        <location filename="../history_dialog.py" line="50"/>
        <location filename="../history_dialog.py" line="96"/>
        <location filename="../history_dialog.py" line="123"/>
        <source>Clé de l&apos;historique</source>
        <translation>History key</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="57"/>
        <source>Phrase de secours</source>
        <translation>Recovery passphrase</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="60"/>
        <source>Confirmer la phrase de secours</source>
        <translation>Confirm the recovery passphrase</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="61"/>
        <source>&amp;Récupérer la clé</source>
        <translation>&amp;Recover the key</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="63"/>
        <source>&amp;Enregistrer la phrase de secours</source>
        <translation>&amp;Save the recovery passphrase</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="67"/>
        <source>Phrase de secours :</source>
        <translation>Recovery passphrase:</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="68"/>
        <source>Confirmation :</source>
        <translation>Confirmation:</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="81"/>
        <source>L&apos;historique est verrouillé : %s</source>
        <translation>The history is locked: %s</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="84"/>
        <source>définie</source>
        <translation>set</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="84"/>
        <source>non définie</source>
        <translation>not set</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="85"/>
        <source>oui</source>
        <translation>yes</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="85"/>
        <source>non</source>
        <translation>no</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="87"/>
        <source>Phrase de secours : %1. Clé de secours de la DSI : %2.</source>
        <translation>Recovery passphrase: %1. IT recovery key: %2.</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="111"/>
        <source>Les deux phrases saisies sont différentes.</source>
        <translation>The two passphrases typed differ.</translation>
    </message>
    <message>
        <location filename="../history_dialog.py" line="124"/>
        <source>Phrase de secours enregistrée : gardez-la en lieu sûr.</source>
        <translation>Recovery passphrase saved: keep it somewhere safe.</translation>
    </message>
</context>
<context>
    <name>KeyDialog</name>
    <message>
        <location filename="../studio_results.py" line="95"/>
        <source>Clé de signature</source>
        <translation>Signing key</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="100"/>
        <source>&amp;Créer ma clé</source>
        <translation>&amp;Create my key</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="102"/>
        <source>E&amp;xporter la clé publique pour la DSI…</source>
        <translation>E&amp;xport the public key for IT…</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="122"/>
        <source>Votre clé : %s. Elle est gardée dans le trousseau du système.</source>
        <translation>Your key: %s. It is kept in the system keyring.</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="124"/>
        <source>Vous n&apos;avez pas encore de clé de signature.</source>
        <translation>You have no signing key yet.</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="138"/>
        <source>Exporter la clé publique</source>
        <translation>Export the public key</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="140"/>
        <source>Clé publique (*.pub)</source>
        <translation>Public key (*.pub)</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="150"/>
        <source>Clé publique %s écrite : %s. Remettez-la à la DSI, qui l&apos;approuve.</source>
        <translation>Public key %s written: %s. Give it to IT, who approve it.</translation>
    </message>
</context>
<context>
    <name>ListEditor</name>
    <message>
        <location filename="../studio_lists.py" line="46"/>
        <source>&amp;Monter</source>
        <translation>&amp;Move up</translation>
    </message>
    <message>
        <location filename="../studio_lists.py" line="48"/>
        <source>Descend&amp;re</source>
        <translation>Move dow&amp;n</translation>
    </message>
    <message>
        <location filename="../studio_lists.py" line="50"/>
        <source>S&amp;upprimer</source>
        <translation>Rem&amp;ove</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="62"/>
        <source>HospiDesk — rédaction assistée, 100 % locale</source>
        <translation>HospiDesk — assisted writing, 100% local</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="122"/>
        <source>&amp;Classer dans le dossier patient</source>
        <translation>&amp;File in the patient record</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="123"/>
        <source>&amp;Patient du document…</source>
        <translation>Document &amp;patient…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="186"/>
        <source>Source chargée : %s</source>
        <translation>Source loaded: %s</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="29"/>
        <source>Exporter en Word</source>
        <translation>Export to Word</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="131"/>
        <source>&amp;Fichier</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="133"/>
        <source>&amp;Ouvrir un texte source…</source>
        <translation>&amp;Open a source text…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="134"/>
        <source>&amp;Exporter en Word…</source>
        <translation>&amp;Export to Word…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="136"/>
        <source>Exporter avec les &amp;modifications…</source>
        <translation>Export with tracked &amp;changes…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="140"/>
        <source>E&amp;ffacer le brouillon</source>
        <translation>C&amp;lear the draft</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="143"/>
        <source>&amp;Quitter</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="147"/>
        <source>&amp;Tâches</source>
        <translation>&amp;Tasks</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="149"/>
        <source>&amp;Rechercher une tâche</source>
        <translation>&amp;Search tasks</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="151"/>
        <source>Ajouter aux &amp;favoris / retirer</source>
        <translation>Add to or remove from &amp;favourites</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="155"/>
        <source>Aller au &amp;formulaire</source>
        <translation>Go to the &amp;form</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="156"/>
        <source>Aller au texte &amp;source</source>
        <translation>Go to the &amp;source text</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="157"/>
        <source>Aller au &amp;brouillon</source>
        <translation>Go to the &amp;draft</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="161"/>
        <source>&amp;Outils</source>
        <translation>T&amp;ools</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="163"/>
        <source>&amp;Historique des brouillons…</source>
        <translation>Draft &amp;history…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="164"/>
        <source>Mon &amp;bilan…</source>
        <translation>My &amp;results…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="165"/>
        <source>&amp;Paramètres…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="169"/>
        <source>&amp;Aide</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="169"/>
        <source>&amp;Charte d&apos;utilisation</source>
        <translation>&amp;Usage rules</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="180"/>
        <source>Choisissez un fichier lisible : e-mail, PDF, Word, ODT, scan, fax ou dictée.</source>
        <translation>Choose a readable file: e-mail, PDF, Word, ODT, scan, fax or dictation.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="216"/>
        <source>Vérifiez le modèle dans Paramètres, ou appelez la DSI.</source>
        <translation>Check the model in Settings, or call IT.</translation>
    </message>
    <message numerus="yes">
        <location filename="../main_window.py" line="298"/>
        <source>%n brouillon(s) ancien(s) supprimé(s) (durée de conservation).</source>
        <translation>
            <numerusform>%n old draft deleted (retention period).</numerusform>
            <numerusform>%n old drafts deleted (retention period).</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../main_window.py" line="309"/>
        <source>Votre bilan n&apos;a pas pu être lu.</source>
        <translation>Your results could not be read.</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="31"/>
        <source>Document Word (*.docx)</source>
        <translation>Word document (*.docx)</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="43"/>
        <source>Informations absentes du brouillon</source>
        <translation>Information missing from the draft</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="55"/>
        <source>Ouvrir un ou plusieurs textes source</source>
        <translation>Open one or more source texts</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="57"/>
        <source>Sources (%s);;Tous les fichiers (*)</source>
        <translation>Sources (%s);;All files (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="373"/>
        <source>Prévenez la DSI : l&apos;en-tête doit être corrigé (hospidesk doctor).</source>
        <translation>Tell IT: the letterhead must be fixed (hospidesk doctor).</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="72"/>
        <source>&lt;b&gt;Quoi de neuf :&lt;/b&gt; nouvelles tâches : %s.</source>
        <translation>&lt;b&gt;What&apos;s new:&lt;/b&gt; new tasks: %s.</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="79"/>
        <source>&lt;b&gt;Quoi de neuf :&lt;/b&gt; tâches mises à jour : %s.</source>
        <translation>&lt;b&gt;What&apos;s new:&lt;/b&gt; updated tasks: %s.</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="87"/>
        <source>&lt;b&gt;Rappel de la charte :&lt;/b&gt; %s</source>
        <translation>&lt;b&gt;Usage rules reminder:&lt;/b&gt; %s</translation>
    </message>
    <message>
        <location filename="../window_dialogs.py" line="114"/>
        <source>&amp;Studio de tâches…</source>
        <translation>Task &amp;studio…</translation>
    </message>
</context>
<context>
    <name>ManifestEditor</name>
    <message>
        <location filename="../studio_task.py" line="52"/>
        <source>T&amp;itre du pack</source>
        <translation>Pack t&amp;itle</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="53"/>
        <source>&amp;Métier (identifiant)</source>
        <translation>&amp;Job (identifier)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="54"/>
        <source>&amp;Résumé (une ligne)</source>
        <translation>&amp;Summary (one line)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="55"/>
        <source>&amp;Description</source>
        <translation>&amp;Description</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="56"/>
        <source>&amp;Auteurs (un par ligne)</source>
        <translation>&amp;Authors (one per line)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="57"/>
        <source>Li&amp;cence</source>
        <translation>Li&amp;cence</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="59"/>
        <source>Gl&amp;ossaire de la dictée (un mot par ligne)</source>
        <translation>Dictation gl&amp;ossary (one word per line)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="61"/>
        <source>Les mots que la dictée doit écrire comme l&apos;hôpital : services, médicaments…</source>
        <translation>The words dictation must spell as the hospital does: services, drugs…</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="64"/>
        <source>Version</source>
        <translation>Version</translation>
    </message>
</context>
<context>
    <name>OpenDrafts</name>
    <message>
        <location filename="../open_drafts.py" line="54"/>
        <source>Récupération de brouillons</source>
        <translation>Draft recovery</translation>
    </message>
    <message numerus="yes">
        <location filename="../open_drafts.py" line="56"/>
        <source>%n brouillon(s) en cours ont été retrouvés après un arrêt inattendu de HospiDesk. Les récupérer ?</source>
        <translation>
            <numerusform>%n draft in progress was found after HospiDesk stopped unexpectedly. Recover it?</numerusform>
            <numerusform>%n drafts in progress were found after HospiDesk stopped unexpectedly. Recover them?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PatientDialog</name>
    <message>
        <location filename="../patient_dialog.py" line="31"/>
        <source>Patient du document</source>
        <translation>Document&apos;s patient</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="49"/>
        <source>Identité qualifiée (INS vérifiée)</source>
        <translation>Qualified identity (INS checked)</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="52"/>
        <source>IPP</source>
        <translation>Patient number (IPP)</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="53"/>
        <source>Séjour (NDA)</source>
        <translation>Stay (NDA)</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="54"/>
        <source>Unité fonctionnelle</source>
        <translation>Functional unit</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="55"/>
        <source>Nom de naissance</source>
        <translation>Birth name</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="56"/>
        <source>Premier prénom</source>
        <translation>First given name</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="57"/>
        <source>Date de naissance</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="58"/>
        <source>Sexe</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="59"/>
        <source>INS</source>
        <translation>INS</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="78"/>
        <source>IPP : des chiffres et des lettres, 20 au plus.</source>
        <translation>IPP: digits and letters, 20 at most.</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="80"/>
        <source>Le nom de naissance et le premier prénom sont nécessaires.</source>
        <translation>The birth name and the first given name are needed.</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="82"/>
        <source>Date de naissance : JJ/MM/AAAA, une date qui existe.</source>
        <translation>Date of birth: DD/MM/YYYY, a date that exists.</translation>
    </message>
    <message>
        <location filename="../patient_dialog.py" line="86"/>
        <source>INS : les 15 caractères du numéro (13 + clé), pour une identité qualifiée.</source>
        <translation>INS: the 15 characters of the number (13 and the key), for a qualified identity.</translation>
    </message>
</context>
<context>
    <name>PrivacyNotice</name>
    <message>
        <location filename="../widgets.py" line="230"/>
        <source>Identifiants de patient détectés</source>
        <translation>Patient identifiers found</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="237"/>
        <source>Contient des identifiants de patient : %s. Ils restent sur ce poste et ne sont écrits dans aucun journal.</source>
        <translation>Contains patient identifiers: %s. They stay on this computer and are written in no log.</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="242"/>
        <source>Contient des identifiants de patient : %s. Ils sont remplacés par des pseudonymes avant l&apos;envoi au serveur de l&apos;hôpital, puis remis dans le brouillon.</source>
        <translation>Contains patient identifiers: %s. They are replaced by pseudonyms before being sent to the hospital&apos;s server, then put back in the draft.</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="247"/>
        <source>Contient des identifiants de patient : %s. Ils sont envoyés au serveur de l&apos;hôpital et ne sont écrits dans aucun journal.</source>
        <translation>Contains patient identifiers: %s. They are sent to the hospital&apos;s server and written to no log.</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <location filename="../studio_results.py" line="74"/>
        <source>Test du pack %s</source>
        <translation>Test of pack %s</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
        <location filename="../review_dialog.py" line="69"/>
        <source>Vérifier le brouillon</source>
        <translation>Review the draft</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="75"/>
        <source>Texte source, mots retirés surlignés</source>
        <translation>Source text, removed words highlighted</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="77"/>
        <source>Brouillon, mots ajoutés surlignés</source>
        <translation>Draft, added words highlighted</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="82"/>
        <source>(cette tâche n&apos;a pas de texte source)</source>
        <translation>(this task has no source text)</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="86"/>
        <source>Texte source</source>
        <translation>Source text</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="87"/>
        <source>Brouillon</source>
        <translation>Draft</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="113"/>
        <source>Faits à vérifier</source>
        <translation>Facts to check</translation>
    </message>
    <message numerus="yes">
        <location filename="../review_dialog.py" line="118"/>
        <source>%n fait(s) du brouillon ne figurent dans aucune information fournie : vérifiez-les avant d&apos;utiliser le document.</source>
        <translation>
            <numerusform>%n fact of the draft is in none of the information given: check it before using the document.</numerusform>
            <numerusform>%n facts of the draft are in none of the information given: check them before using the document.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="125"/>
        <source>Toutes les dates, tous les nombres, montants et noms du brouillon figurent dans les informations fournies.</source>
        <translation>Every date, number, amount and name of the draft is in the information given.</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="131"/>
        <source>Informations de la source absentes</source>
        <translation>Source information missing</translation>
    </message>
    <message numerus="yes">
        <location filename="../review_dialog.py" line="136"/>
        <source>%n information(s) du texte source ne figurent pas dans le brouillon : vérifiez qu&apos;elles n&apos;ont pas été oubliées.</source>
        <translation>
            <numerusform>%n item of the source is not in the draft: check that it was not forgotten.</numerusform>
            <numerusform>%n items of the source are not in the draft: check that they were not forgotten.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="143"/>
        <source>Les dates, heures, montants, délais, références et noms du texte source figurent dans le brouillon.</source>
        <translation>The dates, times, amounts, deadlines, references and names of the source are all in the draft.</translation>
    </message>
    <message>
        <location filename="../review_dialog.py" line="98"/>
        <source>Fermer</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>ReviewNotes</name>
    <message numerus="yes">
        <location filename="../review_notes.py" line="23"/>
        <source>✚ Vérification des faits : %n information(s) du texte source ajoutée(s) au brouillon, surlignée(s) en vert : %s. Relisez ces phrases.</source>
        <translation>
            <numerusform>✚ Fact check: %n item of the source added to the draft, highlighted in green: %s. Read this sentence again.</numerusform>
            <numerusform>✚ Fact check: %n items of the source added to the draft, highlighted in green: %s. Read these sentences again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../review_notes.py" line="33"/>
        <source>⚠ %n information(s) du texte source n&apos;ont pas pu être placées : %s. Elles sont listées à la fin du brouillon (« À intégrer ») : placez-les, puis supprimez ce paragraphe.</source>
        <translation>
            <numerusform>⚠ %n item of the source could not be placed: %s. It is listed at the end of the draft (« À intégrer »): place it, then delete that paragraph.</numerusform>
            <numerusform>⚠ %n items of the source could not be placed: %s. They are listed at the end of the draft (« À intégrer »): place them, then delete that paragraph.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../review_notes.py" line="44"/>
        <source>⚠ Le modèle répétait la même phrase : la rédaction a été arrêtée et les répétitions retirées. Relisez la fin ou régénérez.</source>
        <translation>⚠ The model kept repeating the same sentence: writing was stopped and the repeats removed. Read the end again or generate again.</translation>
    </message>
    <message>
        <location filename="../review_notes.py" line="51"/>
        <source>⚠ Le texte a atteint la longueur maximale et s&apos;arrête peut-être au milieu d&apos;une phrase : relisez la fin.</source>
        <translation>⚠ The text reached the maximum length and may stop mid-sentence: read the end again.</translation>
    </message>
    <message numerus="yes">
        <location filename="../review_notes.py" line="58"/>
        <source>⚠ %n information(s) du texte source absente(s) du brouillon : %s. « Vérifier » les montre dans la source.</source>
        <translation>
            <numerusform>⚠ %n item of the source is missing from the draft: %s. « Vérifier » shows it in the source.</numerusform>
            <numerusform>⚠ %n items of the source are missing from the draft: %s. « Vérifier » shows them in the source.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../review_notes.py" line="68"/>
        <source>⚠ À vérifier sur l&apos;original : %n chiffre(s) du document scanné, lu(s) sans certitude (surligné(s) en jaune dans la source), repris dans le brouillon : %s.</source>
        <translation>
            <numerusform>⚠ Check on the original: %n figure of the scanned document, read without certainty (highlighted in yellow in the source), is in the draft: %s.</numerusform>
            <numerusform>⚠ Check on the original: %n figures of the scanned document, read without certainty (highlighted in yellow in the source), are in the draft: %s.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../review_notes.py" line="80"/>
        <source>⚠ %n information(s) du brouillon ne figurent dans aucune information fournie (soulignées en orange) : %s.</source>
        <translation>
            <numerusform>⚠ %n item of the draft is found in none of the inputs (underlined in orange): %s.</numerusform>
            <numerusform>⚠ %n items of the draft are found in none of the inputs (underlined in orange): %s.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../review_notes.py" line="90"/>
        <source>⚠ Le brouillon recopie les consignes de la tâche : relisez-le ou relancez.</source>
        <translation>⚠ The draft copies the task&apos;s instructions back: read it again or generate again.</translation>
    </message>
    <message>
        <location filename="../review_notes.py" line="96"/>
        <source>⚠ Le brouillon répète la même idée au moins trois fois (« %s ») : relisez-le ou régénérez.</source>
        <translation>⚠ The draft says the same thing at least three times (« %s »): read it again or generate again.</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <location filename="../rules_dialog.py" line="23"/>
        <source>Charte d&apos;utilisation de HospiDesk</source>
        <translation>HospiDesk usage rules</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="27"/>
        <source>Texte de la charte</source>
        <translation>Text of the usage rules</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="30"/>
        <source>Version %s. Lisez la charte avant la première utilisation.</source>
        <translation>Version %s. Read the usage rules before first use.</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="39"/>
        <source>&amp;J&apos;ai lu la charte et je m&apos;engage à la respecter</source>
        <translation>I have &amp;read the usage rules and will follow them</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="43"/>
        <source>&amp;Accepter et commencer</source>
        <translation>&amp;Accept and start</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="40"/>
        <source>J&apos;accepte la charte</source>
        <translation>I accept the usage rules</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="47"/>
        <source>Refuser et quitter</source>
        <translation>Decline and quit</translation>
    </message>
    <message>
        <location filename="../rules_dialog.py" line="49"/>
        <source>Refuser la charte et quitter</source>
        <translation>Decline the usage rules and quit</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="46"/>
        <source>Paramètres</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="98"/>
        <source>Établissement (en-tête et signature des documents)</source>
        <translation>Hospital (letterhead and signature of documents)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="116"/>
        <source>Modèle et moteur</source>
        <translation>Model and engine</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="126"/>
        <source>automatique</source>
        <translation>automatic</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="131"/>
        <source>toutes si un GPU est présent</source>
        <translation>all when a GPU is present</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="135"/>
        <source>Ce poste (modèle local)</source>
        <translation>This computer (local model)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="59"/>
        <source>Mesure des gains</source>
        <translation>Measured benefit</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="61"/>
        <source>Après chaque tâche, demander si elle m&apos;a aidé</source>
        <translation>After each task, ask whether it helped me</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="68"/>
        <source>Enregistrer</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="69"/>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="85"/>
        <source>Mon métier</source>
        <translation>My job</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="88"/>
        <source>(aucun : toutes les tâches dans l&apos;ordre)</source>
        <translation>(none: all tasks in order)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="146"/>
        <source>Dictée</source>
        <translation>Dictation</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="149"/>
        <source>(celui du catalogue par défaut)</source>
        <translation>(the catalog&apos;s default)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="163"/>
        <source>Ex. : Dr Moreau, gliclazide, hôpital de jour</source>
        <translation>E.g. Dr Moreau, gliclazide, day hospital</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="166"/>
        <source>Dictée (désactivée sur ce poste par la DSI)</source>
        <translation>Dictation (turned off on this workstation by IT)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="173"/>
        <source>français</source>
        <translation>French</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="174"/>
        <source>anglais</source>
        <translation>English</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="175"/>
        <source>allemand</source>
        <translation>German</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="176"/>
        <source>espagnol</source>
        <translation>Spanish</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="177"/>
        <source>italien</source>
        <translation>Italian</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="183"/>
        <source>En-tête des documents (installé par la DSI)</source>
        <translation>Document letterhead (installed by IT)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="188"/>
        <source>%1 — empreinte %2</source>
        <translation>%1 — fingerprint %2</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="195"/>
        <source>Aucun : chaque document prend l&apos;en-tête de son modèle (coordonnées ci-dessus).</source>
        <translation>None: each document takes its template&apos;s header (details above).</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="200"/>
        <source>Métier %1 : %2</source>
        <translation>Job %1: %2</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="206"/>
        <source>En-tête des documents</source>
        <translation>Document letterhead</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="218"/>
        <source>Serveurs d&apos;inférence autorisés par la DSI</source>
        <translation>Inference servers allowed by IT</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="221"/>
        <source>Aucun : les textes ne quittent jamais ce poste.</source>
        <translation>None: texts never leave this computer.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="226"/>
        <source>Modèles : %s</source>
        <translation>Models: %s</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="229"/>
        <source>Clé d&apos;API dans le trousseau du système</source>
        <translation>API key in the system&apos;s keyring</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="231"/>
        <source>Certificat vérifié par l&apos;autorité de l&apos;hôpital</source>
        <translation>Certificate checked against the hospital&apos;s authority</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="236"/>
        <source>Si le serveur ne répond pas, le modèle de ce poste prend le relais.</source>
        <translation>If the server does not answer, this computer&apos;s model takes over.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="238"/>
        <source>Si le serveur ne répond pas, la rédaction est impossible.</source>
        <translation>If the server does not answer, drafting is not possible.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="241"/>
        <source>Les identifiants de patient sont pseudonymisés avant l&apos;envoi.</source>
        <translation>Patient identifiers are pseudonymised before sending.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="243"/>
        <source>Les textes sont envoyés tels quels au serveur de l&apos;hôpital.</source>
        <translation>Texts are sent as they are to the hospital&apos;s server.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="257"/>
        <source>Verrouillé par la DSI : %s</source>
        <translation>Locked by IT: %s</translation>
    </message>
</context>
<context>
    <name>SourceEdit</name>
    <message>
        <location filename="../source_edit.py" line="95"/>
        <source>Texte source</source>
        <translation>Source text</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="67"/>
        <source>Annuler la lecture</source>
        <translation>Stop reading</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="68"/>
        <source>Annuler la lecture du fichier</source>
        <translation>Stop reading the file</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="73"/>
        <source>Surligné en jaune : lu sur le scan sans certitude. Vérifiez sur l&apos;original et corrigez si besoin (le surlignage disparaît).</source>
        <translation>Highlighted in yellow: read from the scan without certainty. Check it on the original and correct it if needed (the highlight goes away).</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="83"/>
        <source>Lire une pièce jointe…</source>
        <translation>Read an attachment…</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="85"/>
        <source>Lire aussi des pièces jointes du message</source>
        <translation>Also read attachments of the message</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="98"/>
        <source>Collez ici le texte, ou déposez un ou plusieurs fichiers : e-mail (.eml, .msg), PDF, Word, OpenDocument, texte, scan ou fax (.tif, .png, .jpg), ou une dictée (.wav, .mp3, .m4a…) (Ctrl+O).</source>
        <translation>Paste the text here, or drop one or more files: e-mail (.eml, .msg), PDF, Word, OpenDocument, text, scan or fax (.tif, .png, .jpg), or a dictation (.wav, .mp3, .m4a…) (Ctrl+O).</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="119"/>
        <source>Ouvrez une seule dictée à la fois, sans autre fichier.</source>
        <translation>Open one dictation at a time, without other files.</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="213"/>
        <source>Le fichier n&apos;a pas pu être lu (erreur inattendue).</source>
        <translation>The file could not be read (unexpected error).</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="240"/>
        <source>Lire des pièces jointes</source>
        <translation>Read attachments</translation>
    </message>
    <message>
        <location filename="../source_edit.py" line="244"/>
        <source>Pièces jointes à lire à la suite du texte source :</source>
        <translation>Attachments to read after the source text:</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../studio_start.py" line="33"/>
        <source>Studio de tâches</source>
        <translation>Task studio</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="43"/>
        <source>Nouveau pack</source>
        <translation>New pack</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="38"/>
        <source>(nouveau métier, d&apos;après le titre)</source>
        <translation>(new job, from the title)</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="45"/>
        <source>&amp;Titre du pack</source>
        <translation>Pack &amp;title</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="46"/>
        <source>&amp;Métier</source>
        <translation>&amp;Job</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="47"/>
        <source>&amp;Première tâche</source>
        <translation>&amp;First task</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="49"/>
        <source>&amp;Créer</source>
        <translation>&amp;Create</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="57"/>
        <source>Nouvelle version d&apos;un pack installé</source>
        <translation>New version of an installed pack</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="58"/>
        <source>Pack &amp;installé</source>
        <translation>&amp;Installed pack</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="59"/>
        <source>Ouvrir comme &amp;nouvelle version</source>
        <translation>Open as a &amp;new version</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="66"/>
        <source>Reprendre un pack du studio</source>
        <translation>Resume a studio pack</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="67"/>
        <source>Pack du &amp;studio</source>
        <translation>&amp;Studio pack</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="68"/>
        <source>&amp;Reprendre</source>
        <translation>&amp;Resume</translation>
    </message>
    <message>
        <location filename="../studio_start.py" line="105"/>
        <source>Donnez un titre au pack.</source>
        <translation>Give the pack a title.</translation>
    </message>
</context>
<context>
    <name>StudioWindow</name>
    <message>
        <location filename="../studio_window.py" line="60"/>
        <source>Studio de tâches — %s</source>
        <translation>Task studio — %s</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="64"/>
        <source>Tâches du pack</source>
        <translation>The pack&apos;s tasks</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="67"/>
        <location filename="../studio_window.py" line="115"/>
        <source>Problèmes à corriger</source>
        <translation>Problems to fix</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="85"/>
        <source>Modifications non enregistrées reprises après un arrêt.</source>
        <translation>Unsaved changes recovered after a stop.</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="88"/>
        <source>Nouvelle tâche (Ctrl+N)</source>
        <translation>New task (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="90"/>
        <source>Dupliquer (Ctrl+D)</source>
        <translation>Duplicate (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="92"/>
        <source>Supprimer la tâche</source>
        <translation>Delete the task</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="96"/>
        <source>Tâches</source>
        <translation>Tasks</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="101"/>
        <source>Tâche sélectionnée</source>
        <translation>Selected task</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="102"/>
        <source>Pack</source>
        <translation>Pack</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="107"/>
        <source>&amp;Enregistrer</source>
        <translation>&amp;Save</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="108"/>
        <source>Essa&amp;yer</source>
        <translation>T&amp;ry</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="109"/>
        <source>Tester &amp;le pack</source>
        <translation>Test the pac&amp;k</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="110"/>
        <source>Clé de si&amp;gnature…</source>
        <translation>Si&amp;gning key…</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="111"/>
        <source>&amp;Publier…</source>
        <translation>&amp;Publish…</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="196"/>
        <source>Nouvelle tâche</source>
        <translation>New task</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="211"/>
        <source>Supprimer cette tâche ?</source>
        <translation>Delete this task?</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="219"/>
        <source>%s (modèle livré)</source>
        <translation>%s (shipped template)</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="225"/>
        <source>Importer un modèle Word</source>
        <translation>Import a Word template</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="225"/>
        <source>Documents Word (*.docx)</source>
        <translation>Word documents (*.docx)</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="257"/>
        <source>Sauvegarde automatique impossible : %s</source>
        <translation>Automatic save impossible: %s</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="303"/>
        <source>Pack enregistré.</source>
        <translation>Pack saved.</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="313"/>
        <source>Essai de l&apos;exemple n° %d avec le modèle…</source>
        <translation>Trying example %d with the model…</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="327"/>
        <source>Test du pack…</source>
        <translation>Testing the pack…</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="349"/>
        <source>Test terminé : %d exemple(s), %d en échec.</source>
        <translation>Test finished: %d example(s), %d failed.</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="382"/>
        <source>Pack publié : %s (version %s, signé par la clé %s).</source>
        <translation>Pack published: %s (version %s, signed with key %s).</translation>
    </message>
    <message>
        <location filename="../studio_window.py" line="393"/>
        <source>Studio de tâches</source>
        <translation>Task studio</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="162"/>
        <source>Publier le pack</source>
        <translation>Publish the pack</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="169"/>
        <source>Publication déconseillée : %s.

Publier quand même ? Ce choix est inscrit au journal d&apos;audit.</source>
        <translation>Publishing not advised: %s.

Publish anyway? This choice is recorded in the audit trail.</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="184"/>
        <source>Dossier de publication</source>
        <translation>Publication folder</translation>
    </message>
</context>
<context>
    <name>TaskEditor</name>
    <message>
        <location filename="../studio_task.py" line="87"/>
        <source>Tâche</source>
        <translation>Task</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="88"/>
        <source>Consignes</source>
        <translation>Instructions</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="93"/>
        <source>&amp;Ajouter un champ</source>
        <translation>&amp;Add a field</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="96"/>
        <source>Champs</source>
        <translation>Fields</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="101"/>
        <source>&amp;Ajouter un exemple</source>
        <translation>&amp;Add an example</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="104"/>
        <source>Exemples</source>
        <translation>Examples</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="112"/>
        <source>&amp;Titre de la tâche</source>
        <translation>Task &amp;title</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="113"/>
        <source>&amp;Identifiant</source>
        <translation>&amp;Identifier</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="113"/>
        <source>Le nom du fichier de la tâche</source>
        <translation>The task&apos;s file name</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="114"/>
        <location filename="../studio_task.py" line="174"/>
        <source>&amp;Description</source>
        <translation>&amp;Description</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="115"/>
        <source>&amp;Conseils (un par ligne, 4 au plus)</source>
        <translation>&amp;Tips (one per line, 4 at most)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="116"/>
        <source>&amp;Modèle Word</source>
        <translation>Word te&amp;mplate</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="117"/>
        <source>Importer un modèle &amp;Word…</source>
        <translation>Import a &amp;Word template…</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="122"/>
        <source>O&amp;bjet par défaut</source>
        <translation>Default su&amp;bject</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="123"/>
        <source>Relecture des &amp;omissions</source>
        <translation>Review of &amp;omissions</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="124"/>
        <source>&amp;Vérification des faits</source>
        <translation>Fact &amp;verification</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="128"/>
        <source>Texte &amp;source</source>
        <translation>&amp;Source text</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="129"/>
        <source>&amp;Nom du texte source</source>
        <translation>Source text&apos;s &amp;name</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="140"/>
        <source>&amp;Consignes au modèle</source>
        <translation>&amp;Instructions to the model</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="144"/>
        <source>{nom_du_champ} désigne un champ ; le modèle lit son libellé.</source>
        <translation>{field_name} names a field; the model reads its label.</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="146"/>
        <source>De&amp;mande courte</source>
        <translation>Short re&amp;quest</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="149"/>
        <source>&amp;Forme du texte</source>
        <translation>Text &amp;form</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="151"/>
        <source>&amp;Sections (une par ligne : nom | libellé | liste, texte ou actions)</source>
        <translation>&amp;Sections (one per line: name | label | liste, texte or actions)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="165"/>
        <source>&amp;Nom (identifiant)</source>
        <translation>&amp;Name (identifier)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="166"/>
        <source>Li&amp;bellé</source>
        <translation>La&amp;bel</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="167"/>
        <source>&amp;Type</source>
        <translation>&amp;Type</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="168"/>
        <source>&amp;Obligatoire</source>
        <translation>&amp;Required</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="169"/>
        <source>&amp;Choix (un par ligne)</source>
        <translation>&amp;Choices (one per line)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="170"/>
        <source>&amp;Valeur par défaut</source>
        <translation>Default &amp;value</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="171"/>
        <source>A&amp;ide</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="175"/>
        <source>&amp;Texte source</source>
        <translation>Source &amp;text</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="177"/>
        <source>Valeurs des &amp;champs (nom = valeur)</source>
        <translation>Field values (name = value)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="183"/>
        <source>&amp;Faits à garder (un par ligne)</source>
        <translation>&amp;Facts to keep (one per line)</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="217"/>
        <source>Champs que ce modèle n&apos;imprime pas (le modèle de langue les lit) : %s</source>
        <translation>Fields this template does not print (the language model reads them): %s</translation>
    </message>
    <message>
        <location filename="../studio_task.py" line="212"/>
        <source>Champs utilisables dans les consignes : %s</source>
        <translation>Fields usable in the instructions: %s</translation>
    </message>
</context>
<context>
    <name>TaskForm</name>
    <message>
        <location filename="../task_form.py" line="119"/>
        <source>Cette tâche n&apos;a pas de champ à remplir.</source>
        <translation>This task has no field to fill in.</translation>
    </message>
</context>
<context>
    <name>TaskLibrary</name>
    <message>
        <location filename="../task_library.py" line="36"/>
        <source>Rechercher une tâche (Ctrl+F)</source>
        <translation>Search tasks (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../task_library.py" line="37"/>
        <source>Rechercher une tâche</source>
        <translation>Search tasks</translation>
    </message>
    <message>
        <location filename="../task_library.py" line="41"/>
        <source>Bibliothèque de tâches</source>
        <translation>Task library</translation>
    </message>
    <message>
        <location filename="../task_library.py" line="43"/>
        <source>Tâches classées par métier. Entrée ouvre la tâche, F2 la met en favori.</source>
        <translation>Tasks by job. Enter opens the task, F2 makes it a favourite.</translation>
    </message>
    <message>
        <location filename="../task_library.py" line="61"/>
        <source>★ Favoris</source>
        <translation>★ Favourites</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <location filename="../task_panel.py" line="54"/>
        <source>Conseils pour cette tâche</source>
        <translation>Tips for this task</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="56"/>
        <source>Essayer avec un exemple</source>
        <translation>Try with an example</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="61"/>
        <source>Exemple chargé</source>
        <translation>Example loaded</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="93"/>
        <source>Ouvrir un fichier… (Ctrl+O)</source>
        <translation>Open a file… (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="94"/>
        <source>Ouvrir un fichier source</source>
        <translation>Open a source file</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="96"/>
        <source>Texte source</source>
        <translation>Source text</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="132"/>
        <source> (obligatoire)</source>
        <translation> (required)</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="165"/>
        <source>Rempli depuis le dossier patient : va dans le document, jamais au modèle (sauf si vous le retapez).</source>
        <translation>Filled from the patient record: goes into the document, never to the model (unless you type it again).</translation>
    </message>
    <message>
        <location filename="../task_panel.py" line="192"/>
        <source>&lt;b&gt;Exemple %1/%2 : %3&lt;/b&gt;&lt;br&gt;Texte et informations inventés, pour voir ce que fait la tâche ; remplacez-les par les vôtres pour un vrai courrier.</source>
        <translation>&lt;b&gt;Example %1/%2: %3&lt;/b&gt;&lt;br&gt;Invented text and details, to see what the task does; replace them with your own for a real letter.</translation>
    </message>
</context>
<context>
    <name>TriedDialog</name>
    <message>
        <location filename="../studio_results.py" line="42"/>
        <source>Essai : %s, exemple n° %d</source>
        <translation>Try: %s, example %d</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="45"/>
        <source>Cette version</source>
        <translation>This version</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="47"/>
        <source>Version précédente</source>
        <translation>Previous version</translation>
    </message>
    <message>
        <location filename="../studio_results.py" line="60"/>
        <source>Pas de version précédente de cette tâche.</source>
        <translation>No previous version of this task.</translation>
    </message>
</context>
</TS>
